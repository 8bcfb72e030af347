using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>
/// The path of one client request through the relay: decide (the <see cref="IDecisionPoint"/>, for requests that act or
/// read) → audit (the <see cref="CallRecorder"/>, written before the decision takes effect, on disk before its answer is
/// seen) → forward upstream, or answer the client instead; and each way it can end before the upstream answers (refused,
/// timed out, failed).
/// </summary>
internal sealed partial class CallPath(UpstreamServerConfig server, RelayCall call, PendingRequests pending, ClientConnection client,
    UpstreamSupervisor upstream, IDecisionPoint decisions, CallRecorder recorder, TimeProvider time, ILogger logger, CancellationToken lifetime)
{
    /// <summary>Takes a client request the relay may relay, whose answer goes to <paramref name="replyTo"/>.</summary>
    public async Task TakeAsync(JsonRpcRequest request, ITransport replyTo)
    {
        var waiting = Track(request, replyTo);
        if (!RelayMethods.Decided.Contains(request.Method))
        {
            Forward(waiting);
            return;
        }

        waiting.Activity = GatehouseTelemetry.StartCall(call.Server, request);
        var decision = DecideAndRecordAsync(waiting);
        if (decision.IsCompletedSuccessfully)
        {
            await ApplyAsync(waiting, decision.Result).ConfigureAwait(false);
        }
        else
        {
            // A decision that waits (for a person, a remote counter, the audit log's commit) must not hold up the
            // session's other messages.
            _ = AwaitDecisionAsync(waiting, decision);
        }
    }

    /// <summary>The client stopped waiting for <paramref name="id"/>; the upstream is told when it had the request.</summary>
    public void Abandon(RequestId id, string reason)
    {
        if (pending.Take(id, AuditOutcomes.Cancelled) is not null)
        {
            _ = upstream.SendQuietlyAsync(JsonRpcReplies.Cancelled(id, reason));
        }
    }

    /// <summary>Fails a request the relay could not handle, when it is still <paramref name="request"/>'s own entry.</summary>
    public async Task FailUnhandledAsync(JsonRpcRequest request, ITransport replyTo)
    {
        // Only this request's own entry: another in flight under the same id is not this one's to end.
        var own = pending.Find(request) is { } waiting ? pending.Take(waiting, AuditOutcomes.Error) : null;
        await client.SendQuietlyAsync(own?.ReplyTo ?? replyTo, JsonRpcReplies.Error(request.Id, McpErrorCode.InternalError,
            "Gatehouse could not handle this request, so it was refused.")).ConfigureAwait(false);
    }

    /// <summary>The upstream session was lost: what was sent on it fails; a request still being decided goes on waiting.</summary>
    public async Task FailSentAsync()
    {
        foreach (var waiting in pending.All.Where(p => p.ForwardedAt is not null))
        {
            await FailAsync(waiting, $"Upstream server '{server.Name}' closed while this request was in flight.").ConfigureAwait(false);
        }
    }

    /// <summary>The session closes: every request still waiting fails.</summary>
    public async Task FailAllAsync()
    {
        foreach (var waiting in pending.All)
        {
            await FailAsync(waiting, $"The session with upstream server '{server.Name}' closed before it answered.").ConfigureAwait(false);
        }
    }

    private PendingRequest Track(JsonRpcRequest request, ITransport replyTo)
    {
        var waiting = pending.Add(request, replyTo, lifetime);

        // A decided request's time starts when it goes upstream: a call held for a person's approval waits as
        // long as its rule allows, not as long as the upstream may take.
        var timeout = RelayMethods.Decided.Contains(request.Method) ? Timeout.InfiniteTimeSpan : CallTimeouts.Of(server, request.Method);
        waiting.Timeout = time.CreateTimer(static state => ((PendingTimeout)state!).Fire(), new PendingTimeout(this, waiting),
            timeout, Timeout.InfiniteTimeSpan);
        return waiting;
    }

    private ValueTask<RequestDecision> DecideAndRecordAsync(PendingRequest waiting)
    {
        // Taken now: the source is disposed once the request is answered or cancelled, and its token is still good then.
        var cancellation = waiting.Cancellation.Token;
        var decision = decisions.DecideAsync(call, waiting.Request, cancellation);
        return decision.IsCompletedSuccessfully && decision.Result.Record is null ? decision : RecordAsync(waiting, decision, cancellation);
    }

    private async ValueTask<RequestDecision> RecordAsync(PendingRequest waiting, ValueTask<RequestDecision> decision, CancellationToken cancellation)
    {
        var decided = await decision.ConfigureAwait(false);
        waiting.Decision = decided.Record;
        waiting.Activity?.SetTag("gatehouse.decision", decided.Record?.Decision);
        waiting.Activity?.SetTag("gatehouse.rule", decided.Record?.Rule);
        waiting.Activity?.SetTag("mcp.target", decided.Record?.Target);
        return await recorder.RecordAsync(waiting.Request, decided, cancellation).ConfigureAwait(false);
    }

    private async Task AwaitDecisionAsync(PendingRequest waiting, ValueTask<RequestDecision> decision)
    {
        RequestDecision outcome;
        try
        {
            outcome = await decision.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (waiting.Cancellation.IsCancellationRequested)
        {
            if (waiting.Decision is { } decided)
            {
                // Its decision may be in the log already; the log then also says the call never went upstream.
                recorder.RecordOutcome(decided, AuditOutcomes.Cancelled, TimeSpan.Zero);
            }

            return;
        }
        catch (Exception ex)
        {
            LogDecisionFailed(ex, call.Server, waiting.Request.Method);
            outcome = RequestDecision.Refuse(JsonRpcReplies.Error(waiting.Request.Id, McpErrorCode.InternalError,
                "Gatehouse could not decide this request, so it was refused."));
        }

        await ApplyAsync(waiting, outcome).ConfigureAwait(false);
    }

    private async Task ApplyAsync(PendingRequest waiting, RequestDecision decision)
    {
        if (decision.Reply is { } reply)
        {
            if (pending.Take(waiting, outcome: null) is { } taken)
            {
                await client.SendQuietlyAsync(taken.ReplyTo, reply).ConfigureAwait(false);
            }

            return;
        }

        // The client may have cancelled, or the call timed out, while the decision was being made.
        if (pending.IsWaiting(waiting))
        {
            waiting.RecordOnDisk = decision.RecordOnDisk;
            Forward(waiting);
        }
        else if (waiting.Decision is { } decided)
        {
            // Recorded as allowed, but never sent: the log says so.
            recorder.RecordOutcome(decided, AuditOutcomes.Cancelled, TimeSpan.Zero);
        }
    }

    private void Forward(PendingRequest waiting)
    {
        if (upstream.Current is not { } transport)
        {
            _ = FailUnsentAsync(waiting, $"Upstream server '{server.Name}' is restarting; retry the request shortly.");
            return;
        }

        // The client may cancel, or go away, at any moment up to here: whichever comes first wins.
        if (!waiting.TryStartForward())
        {
            return;
        }

        waiting.ForwardedAt = time.GetTimestamp();
        waiting.Timeout?.Change(CallTimeouts.Of(server, waiting.Request.Method), Timeout.InfiniteTimeSpan);
        Task send;
        try
        {
            send = transport.SendMessageAsync(waiting.Request, lifetime);
        }
        catch (Exception ex)
        {
            send = Task.FromException(ex);
        }

        // Not awaited: an HTTP upstream's send returns only when the request's response stream ends,
        // and that stream may carry a sampling or elicitation request that needs the client's reply first.
        _ = ObserveSendAsync(waiting, send);
    }

    private async Task ObserveSendAsync(PendingRequest waiting, Task send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Accounts.UpstreamAccountRequiredException refusal)
        {
            // The upstream wants the person to authorize (again, or a larger scope): the text carries the link (and a URL
            // elicitation does, for a client that takes them), and the session stays, so the request can be sent again after.
            var elicitation = client.Initialize is { } initialize ? Accounts.ConnectElicitation.For(initialize, refusal) : null;
            await FailAsync(waiting, refusal.Message, elicitation is null ? McpErrorCode.InternalError : McpErrorCode.UrlElicitationRequired, elicitation)
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogSendFailed(ex, server.Name, waiting.Request.Method);
            await FailAsync(waiting, $"Upstream server '{server.Name}' failed to take the request: {ex.Message}").ConfigureAwait(false);
        }
    }

    private async Task FailAsync(PendingRequest waiting, string message, McpErrorCode code = McpErrorCode.InternalError, JsonNode? data = null)
    {
        if (pending.Take(waiting, AuditOutcomes.Error) is { } taken)
        {
            await client.SendQuietlyAsync(taken.ReplyTo, JsonRpcReplies.Error(taken.Request.Id, code, message, data)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fails a request that never went upstream. One allowed by a recorded decision gets its outcome recorded here,
    /// since <see cref="PendingRequests.Take(PendingRequest, string?)"/> records outcomes of forwarded requests only: the
    /// log must not leave an allowed call without saying what became of it.
    /// </summary>
    private async Task FailUnsentAsync(PendingRequest waiting, string message)
    {
        if (pending.Take(waiting, outcome: null) is not { } taken)
        {
            return;
        }

        if (taken.Decision is { } decision)
        {
            recorder.RecordOutcome(decision, AuditOutcomes.Error, TimeSpan.Zero);
        }

        await client.SendQuietlyAsync(taken.ReplyTo, JsonRpcReplies.Error(taken.Request.Id, McpErrorCode.InternalError, message)).ConfigureAwait(false);
    }

    private async Task OnTimeoutAsync(PendingRequest waiting)
    {
        if (pending.Take(waiting, AuditOutcomes.Timeout) is null)
        {
            return;
        }

        var seconds = CallTimeouts.Of(server, waiting.Request.Method).TotalSeconds;
        await client.SendQuietlyAsync(waiting.ReplyTo, JsonRpcReplies.Error(waiting.Request.Id, McpErrorCode.InternalError,
            $"Upstream server '{server.Name}' did not answer '{waiting.Request.Method}' within {seconds:0.###} s, so Gatehouse gave up on it.")).ConfigureAwait(false);
        await upstream.SendQuietlyAsync(JsonRpcReplies.Cancelled(waiting.Request.Id, "Gatehouse's call timeout elapsed.")).ConfigureAwait(false);
    }

    private sealed class PendingTimeout(CallPath path, PendingRequest waiting)
    {
        public void Fire() => _ = path.OnTimeoutAsync(waiting);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The decision point failed on '{Method}' for server '{Server}'; the request was refused.")]
    private partial void LogDecisionFailed(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending '{Method}' to upstream server '{Server}' failed.")]
    private partial void LogSendFailed(Exception ex, string server, string method);
}
