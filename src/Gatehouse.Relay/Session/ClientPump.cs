using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>
/// Reads what the client sends and routes it: a request to its <see cref="CallPath"/> (unless its method is unknown or
/// its id already in flight), a notification upstream (a cancellation also ends the request it names), an answer to
/// Gatehouse's own request to the <see cref="ClientConnection"/>, and any other answer upstream.
/// </summary>
internal sealed partial class ClientPump(UpstreamServerConfig server, RelayCall call, PendingRequests pending, ClientConnection client,
    UpstreamSupervisor upstream, CallPath calls, CallRecorder recorder, SessionActivity activity, ILogger logger, CancellationToken lifetime)
{
    /// <summary>Relays the client's messages until its transport ends or the session closes.</summary>
    public async Task RunAsync()
    {
        try
        {
            await foreach (var message in client.Transport.MessageReader.ReadAllAsync(lifetime).ConfigureAwait(false))
            {
                activity.Touch();
                await TakeAsync(message).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogPumpFailed(ex, call.Server, call.SessionId, "client");
        }
    }

    /// <summary>
    /// Handles one client message. Whatever the message holds, the worst it can cost is an error reply to itself:
    /// a failure here must never end the session that other requests are using.
    /// </summary>
    private async Task TakeAsync(JsonRpcMessage message)
    {
        try
        {
            await OnMessageAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (!lifetime.IsCancellationRequested)
        {
            LogMessageFailed(ex, call.Server, call.SessionId, (message as JsonRpcRequest)?.Method ?? (message as JsonRpcNotification)?.Method ?? "reply");
            if (message is JsonRpcRequest request)
            {
                await calls.FailUnhandledAsync(request, request.Context?.RelatedTransport ?? client.Transport).ConfigureAwait(false);
            }
        }
    }

    private async Task OnMessageAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcRequest request:
                await OnRequestAsync(request).ConfigureAwait(false);
                break;

            case JsonRpcNotification notification:
                if (!RelayMethods.ClientNotifications.Contains(notification.Method) && !server.AllowUnknownMethods)
                {
                    // A notification has no reply to refuse it with; dropped, since a method added to the protocol
                    // later could act past the policy as well as a request could.
                    recorder.RecordRefusal(call, notification, "method", "a notification Gatehouse does not know");
                    LogUnknownNotificationDropped(server.Name, notification.Method);
                    break;
                }

                if (notification.Method == NotificationMethods.CancelledNotification && ReadRequestId(notification.Params) is { } cancelled)
                {
                    pending.Take(cancelled, AuditOutcomes.Cancelled);
                }
                else if (notification.Method == NotificationMethods.InitializedNotification)
                {
                    client.Initialized = notification;
                }

                await upstream.SendQuietlyAsync(notification).ConfigureAwait(false);
                break;

            case JsonRpcMessageWithId reply when client.TryTakeReply(reply):
                break;

            default:
                // A reply to a request the upstream sent the client (sampling, elicitation, roots, ping).
                await upstream.SendQuietlyAsync(message).ConfigureAwait(false);
                break;
        }
    }

    private async Task OnRequestAsync(JsonRpcRequest request)
    {
        var replyTo = request.Context?.RelatedTransport ?? client.Transport;

        if (!RelayMethods.IsKnown(request.Method) && !server.AllowUnknownMethods)
        {
            recorder.RecordRefusal(call, request, "method", "a method Gatehouse does not know");
            await client.SendQuietlyAsync(replyTo, JsonRpcReplies.Error(request.Id, McpErrorCode.MethodNotFound,
                $"Gatehouse does not relay the method '{request.Method}' to server '{server.Name}': it is not a method Gatehouse knows, " +
                "so it could act past the policy. An operator can let unknown methods through with \"allowUnknownMethods\": true.")).ConfigureAwait(false);
            return;
        }

        if (pending.Contains(request.Id))
        {
            await client.SendQuietlyAsync(replyTo, JsonRpcReplies.Error(request.Id, McpErrorCode.InvalidRequest,
                $"A request with id {request.Id} is already in flight on this session.")).ConfigureAwait(false);
            return;
        }

        if (request.Method == RequestMethods.Initialize)
        {
            client.Initialize = request;
        }

        await calls.TakeAsync(request, replyTo).ConfigureAwait(false);
    }

    private static RequestId? ReadRequestId(JsonNode? parameters) =>
        (parameters as JsonObject)?["requestId"] is JsonValue value
            ? value.TryGetValue(out long number) ? new RequestId(number)
            : value.TryGetValue(out string? text) ? new RequestId(text) : null
            : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a notification of server '{Server}' that Gatehouse does not know: {Method}")]
    private partial void LogUnknownNotificationDropped(string server, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a '{Method}' message of server '{Server}' session {SessionId} failed; the session goes on.")]
    private partial void LogMessageFailed(Exception ex, string server, string sessionId, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay {Direction} pump of server '{Server}' session {SessionId} failed.")]
    private partial void LogPumpFailed(Exception ex, string server, string sessionId, string direction);
}
