using System.Diagnostics;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Gatehouse.Relay.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The path of one 2026-07-28 request through the relay, as a 2025 message takes it: decide (the <see cref="IDecisionPoint"/>,
/// for requests that act or read) → audit (written before the decision takes effect, on disk before its answer is seen) →
/// forward upstream → relay the answer, its lists filtered and marked private, its <c>input_required</c> rounds and tasks
/// remembered for whoever made them.
/// </summary>
internal sealed partial class ModernCallPath(UpstreamServerConfig server, ModernServer upstream, string grant, IDecisionPoint decisions,
    CallRecorder recorder, MultiRoundLedger rounds, TaskOwners tasks, TimeProvider time, ILogger logger, Accounts.IUpstreamAccounts accounts, HttpRequest httpRequest)
{
    private Activity? _span;
    private bool _approved;
    private AuditEvent? _record;
    private Task _recordOnDisk = Task.CompletedTask;

    /// <summary>Decides <paramref name="call"/>'s request when its method is decided; returns the record it was allowed under, or null when refused.</summary>
    public async Task<(bool Allowed, AuditEvent? Record)> DecideAsync(RelayCall call, JsonRpcRequest request, ModernResponse response, CancellationToken cancellationToken)
    {
        if (!RelayMethods.Decided.Contains(request.Method))
        {
            return (true, null);
        }

        _span ??= GatehouseTelemetry.StartCall(server.Name, request);
        RequestDecision decision;
        try
        {
            decision = await recorder.RecordAsync(request, await decisions.DecideAsync(call, request, cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDecisionFailed(ex, server.Name, request.Method);
            decision = RequestDecision.Refuse(JsonRpcReplies.Error(request.Id, McpErrorCode.InternalError, "Gatehouse could not decide this request, so it was refused."));
        }

        _approved = decision.Approved;
        _record = decision.Record ?? _record;
        _recordOnDisk = decision.RecordOnDisk;
        _span?.SetTag("gatehouse.decision", decision.Record?.Decision);
        _span?.SetTag("gatehouse.rule", decision.Record?.Rule);
        _span?.SetTag("mcp.target", decision.Record?.Target);
        if (decision.Reply is { } reply)
        {
            Finish(outcome: null);
            await response.AnswerAsync(reply).ConfigureAwait(false);
            return (false, decision.Record);
        }

        return (true, decision.Record);
    }

    /// <summary>Forwards an allowed request and relays the upstream's answer; <paramref name="keep"/> picks the notifications a stream may pass on.</summary>
    public async Task ForwardAsync(RelayCall call, JsonRpcRequest request, AuditEvent? decided, ModernResponse response,
        Func<JsonRpcNotification, bool> keep, CancellationToken cancellationToken)
    {
        var startedAt = time.GetTimestamp();
        var isStream = request.Method == ModernProtocol.Listen;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!isStream)
        {
            deadline.CancelAfter(CallTimeouts.Of(server, request.Method));
        }

        try
        {
            using var answer = await upstream.Upstream.SendAsync(request, ParamHeaders(response), deadline.Token).ConfigureAwait(false);
            // An answer the upstream streams is streamed on: its client may be waiting for what comes first.
            if (isStream || answer.Streamed)
            {
                await response.StartStreamAsync().ConfigureAwait(false);
            }

            await foreach (var message in answer.Messages.WithCancellation(deadline.Token).ConfigureAwait(false))
            {
                switch (message)
                {
                    case JsonRpcNotification notification when keep(notification):
                        if (notification.Method == NotificationMethods.ToolListChangedNotification)
                        {
                            upstream.Tools.Invalidate();
                        }

                        if (await recorder.MayRelayAsync(_recordOnDisk).ConfigureAwait(false))
                        {
                            await response.NotifyAsync(notification).ConfigureAwait(false);
                        }

                        break;

                    case JsonRpcMessageWithId reply when reply is JsonRpcResponse or JsonRpcError && reply.Id == request.Id:
                        var relayed = await ShapeAsync(call, request, reply, cancellationToken).ConfigureAwait(false);
                        Record(decided, PendingRequests.OutcomeOf(relayed), startedAt);
                        if (!await recorder.MayAnswerAsync(_record, _recordOnDisk).ConfigureAwait(false))
                        {
                            relayed = CallRecorder.Withheld(request.Id);
                        }

                        await response.AnswerAsync(relayed, answer.StatusOf(relayed)).ConfigureAwait(false);
                        return;
                }
            }

            if (!isStream)
            {
                await FailAsync(response, request, decided, AuditOutcomes.Error, startedAt,
                    $"Upstream server '{server.Name}' ended its answer to '{request.Method}' without a result.").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away, which is how it cancels under this revision; the upstream was told by the closed POST.
            Record(decided, AuditOutcomes.Cancelled, startedAt);
        }
        catch (OperationCanceledException)
        {
            var seconds = CallTimeouts.Of(server, request.Method).TotalSeconds;
            await FailAsync(response, request, decided, AuditOutcomes.Timeout, startedAt,
                $"Upstream server '{server.Name}' did not answer '{request.Method}' within {seconds:0.###} s, so Gatehouse gave up on it.").ConfigureAwait(false);
        }
        catch (Accounts.UpstreamAccountRequiredException refusal)
        {
            // The person's tokens are gone or no longer refresh: they connect again, by the link the text carries.
            await FailAsync(response, request, decided, AuditOutcomes.Error, startedAt, accounts.RefusalText(httpRequest, refusal)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or System.Text.Json.JsonException)
        {
            LogForwardFailed(ex, server.Name, request.Method);
            await FailAsync(response, request, decided, AuditOutcomes.Error, startedAt,
                $"Upstream server '{server.Name}' failed to take the request: {ex.Message}").ConfigureAwait(false);
        }
    }

    private async Task<JsonRpcMessage> ShapeAsync(RelayCall call, JsonRpcRequest request, JsonRpcMessage reply, CancellationToken cancellationToken)
    {
        if (reply is not JsonRpcResponse response)
        {
            return reply;
        }

        try
        {
            if (RelayMethods.Lists.Contains(request.Method))
            {
                if (request.Method == RequestMethods.ToolsList)
                {
                    upstream.Tools.Observe(request, response);
                }

                response = await decisions.FilterListAsync(call, request, response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFilterFailed(ex, server.Name, request.Method);
            return JsonRpcReplies.Error(response.Id, McpErrorCode.InternalError, "Gatehouse could not filter this list, so it was withheld.");
        }

        if (response.Result is JsonObject result)
        {
            if (ModernProtocol.Cacheable.Contains(request.Method))
            {
                ModernServer.MarkPrivate(result);
            }

            if (request.Method == ModernProtocol.Discover)
            {
                ModernServer.KeepRelayedVersions(result);
            }

            if (result["resultType"] is JsonValue type && type.TryGetValue<string>(out var kind) && kind == "input_required")
            {
                rounds.Remember(call, grant, request, result, _approved);
            }

            tasks.Remember(server.Name, call.Identity, grant, result);
        }

        return response;
    }

    private async Task FailAsync(ModernResponse response, JsonRpcRequest request, AuditEvent? decided, string outcome, long startedAt, string message)
    {
        Record(decided, outcome, startedAt);
        await _recordOnDisk.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await response.AnswerAsync(JsonRpcReplies.Error(request.Id, McpErrorCode.InternalError, message), StatusCodes.Status200OK).ConfigureAwait(false);
    }

    private void Record(AuditEvent? decided, string outcome, long startedAt)
    {
        if (decided is not null)
        {
            recorder.RecordOutcome(decided, outcome, time.GetElapsedTime(startedAt));
        }

        Finish(outcome);
    }

    private void Finish(string? outcome)
    {
        _span?.SetTag("gatehouse.outcome", outcome);
        _span?.Dispose();
        _span = null;
    }

    // Forwarded as the client sent them: the upstream, which knows which tool parameters they mirror, checks them against the body.
    private static List<KeyValuePair<string, string>> ParamHeaders(ModernResponse response) =>
        [.. response.RequestHeaders
            .Where(h => h.Key.StartsWith(ModernProtocol.ParamHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(h => KeyValuePair.Create(h.Key, h.Value.ToString()))];

    [LoggerMessage(Level = LogLevel.Error, Message = "The decision point failed on '{Method}' for server '{Server}'; the request was refused.")]
    private partial void LogDecisionFailed(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "The decision point could not filter '{Method}' of server '{Server}'; the list was withheld.")]
    private partial void LogFilterFailed(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding '{Method}' to upstream server '{Server}' failed.")]
    private partial void LogForwardFailed(Exception ex, string server, string method);
}
