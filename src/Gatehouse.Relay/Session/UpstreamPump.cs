using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>
/// Reads what the upstream sends and routes it: answers to Gatehouse's own requests to the <see cref="UpstreamRequests"/>,
/// answers to client requests (list results filtered by the <see cref="IDecisionPoint"/>) to the stream that waits for
/// them, and the server's own requests and notifications to the client stream they belong to.
/// </summary>
internal sealed partial class UpstreamPump(RelayCall call, PendingRequests pending, ClientConnection client, UpstreamSupervisor upstream,
    UpstreamRequests ownRequests, IDecisionPoint decisions, CallRecorder recorder, SessionActivity activity, ILogger logger, CancellationToken lifetime)
{
    /// <summary>Relays the messages of <paramref name="transport"/> until it ends or the session closes.</summary>
    public async Task RunAsync(ITransport transport)
    {
        try
        {
            await foreach (var message in transport.MessageReader.ReadAllAsync(lifetime).ConfigureAwait(false))
            {
                activity.Touch();
                await OnMessageAsync(message).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogPumpFailed(ex, call.Server, call.SessionId, "upstream");
        }
    }

    private async Task OnMessageAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcMessageWithId reply when ownRequests.TryTakeReply(reply):
                break;

            case JsonRpcMessageWithId reply when reply is JsonRpcResponse or JsonRpcError:
                if (pending.Take(reply.Id, PendingRequests.OutcomeOf(reply)) is not { } answered)
                {
                    LogLateReplyDropped(call.Server, reply.Id.ToString());
                    return;
                }

                var relayed = await FilterAsync(answered, reply).ConfigureAwait(false);
                if (!await recorder.MayAnswerAsync(answered.Decision, answered.RecordOnDisk).ConfigureAwait(false))
                {
                    relayed = CallRecorder.Withheld(reply.Id);
                }

                await client.SendReplyAsync(answered, relayed).ConfigureAwait(false);
                if (answered.Request.Method == RequestMethods.Initialize && reply is JsonRpcResponse initialized)
                {
                    upstream.Initialized((initialized.Result as JsonObject)?["protocolVersion"] is JsonValue version &&
                        version.TryGetValue<string>(out var negotiated) ? negotiated : null);
                }

                break;

            case JsonRpcRequest serverRequest:
                await RelayServerRequestAsync(serverRequest).ConfigureAwait(false);
                break;

            case JsonRpcNotification notification:
                if (notification.Method == NotificationMethods.ToolListChangedNotification)
                {
                    call.Tools.Invalidate();
                }

                if (await recorder.MayRelayAsync().ConfigureAwait(false))
                {
                    await client.SendQuietlyAsync(RouteFor(notification), notification).ConfigureAwait(false);
                }

                break;
        }
    }

    private async Task<JsonRpcMessage> FilterAsync(PendingRequest answered, JsonRpcMessage reply)
    {
        if (reply is not JsonRpcResponse response || !RelayMethods.Lists.Contains(answered.Request.Method))
        {
            return reply;
        }

        try
        {
            // Inside the try: a listing no reader can read must cost the client this list, not the session.
            if (answered.Request.Method == RequestMethods.ToolsList)
            {
                call.Tools.Observe(answered.Request, response);
            }

            return await decisions.FilterListAsync(call, answered.Request, response, lifetime).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFilterFailed(ex, call.Server, answered.Request.Method);
            return JsonRpcReplies.Error(response.Id, McpErrorCode.InternalError, "Gatehouse could not filter this list, so it was withheld.");
        }
    }

    private async Task RelayServerRequestAsync(JsonRpcRequest serverRequest)
    {
        if (!await recorder.MayRelayAsync().ConfigureAwait(false))
        {
            await upstream.SendQuietlyAsync(JsonRpcReplies.Error(serverRequest.Id, McpErrorCode.InternalError,
                $"Gatehouse did not deliver '{serverRequest.Method}': the audit log could not put the calls in flight on disk.")).ConfigureAwait(false);
            return;
        }

        var target = RouteFor(serverRequest);
        try
        {
            await target.SendMessageAsync(serverRequest, lifetime).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !lifetime.IsCancellationRequested)
        {
            // The upstream waits for an answer; without one it would wait until its own timeout.
            await upstream.SendQuietlyAsync(JsonRpcReplies.Error(serverRequest.Id, McpErrorCode.InternalError,
                $"Gatehouse could not deliver '{serverRequest.Method}' to the client: {ex.Message}")).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Picks the client stream for a message the upstream sent on its own initiative. Neither stdio nor the
    /// SDK's HTTP client transport says which request such a message belongs to, so a progress notification
    /// follows its token, and anything else the most recent request still waiting, whose response stream is
    /// open; with none waiting it goes on the session's own stream.
    /// </summary>
    private ITransport RouteFor(JsonRpcMessage message)
    {
        if (message is JsonRpcNotification { Method: NotificationMethods.ProgressNotification } progress &&
            PendingRequests.ReadProgressToken(progress.Params, nested: false) is { } token &&
            pending.WithProgressToken(token) is { } owner)
        {
            return owner.ReplyTo;
        }

        return pending.Latest()?.ReplyTo ?? client.Transport;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay {Direction} pump of server '{Server}' session {SessionId} failed.")]
    private partial void LogPumpFailed(Exception ex, string server, string sessionId, string direction);

    [LoggerMessage(Level = LogLevel.Error, Message = "The decision point failed on '{Method}' for server '{Server}'; the request was refused.")]
    private partial void LogFilterFailed(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a reply from '{Server}' to request {Id}, which nobody waits for any more.")]
    private partial void LogLateReplyDropped(string server, string id);
}
