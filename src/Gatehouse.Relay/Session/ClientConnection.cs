using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>
/// The session's side facing its client: sends it messages, keeps its handshake (for a restarted upstream, and to know
/// whether it can be asked), and is the <see cref="IClientChannel"/> a decision tells of progress or asks through.
/// </summary>
internal sealed partial class ClientConnection(ITransport transport, string server, string sessionId, PendingRequests pending, ILogger logger,
    CancellationToken lifetime) : IClientChannel
{
    private static readonly TimeSpan s_closeSendTimeout = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>> _ownRequests = new();

    public ITransport Transport => transport;

    /// <summary>The client's <c>initialize</c>, replayed on a restarted upstream; null until it came.</summary>
    public JsonRpcRequest? Initialize { get; set; }

    /// <summary>The client's <c>notifications/initialized</c>, replayed after <see cref="Initialize"/>; null until it came.</summary>
    public JsonRpcNotification? Initialized { get; set; }

    /// <inheritdoc />
    public bool CanElicit => ((Initialize?.Params as JsonObject)?["capabilities"] as JsonObject)?["elicitation"] is not null;

    /// <summary>Takes the client's answer to a request of Gatehouse's own; false when <paramref name="reply"/> answers another.</summary>
    public bool TryTakeReply(JsonRpcMessageWithId reply)
    {
        if (reply is not (JsonRpcResponse or JsonRpcError) || !_ownRequests.TryRemove(reply.Id, out var own))
        {
            return false;
        }

        own.TrySetResult(reply);
        return true;
    }

    public Task SendQuietlyAsync(ITransport target, JsonRpcMessage message) => TrySendAsync(target, message);

    /// <summary>
    /// Sends the upstream's answer to a client request. An answer that cannot be written (a result holding text that
    /// is not Unicode, say) becomes an error to that request, so the client is never left waiting for it.
    /// </summary>
    public async Task SendReplyAsync(PendingRequest pending, JsonRpcMessage reply)
    {
        if (await TrySendAsync(pending.ReplyTo, reply).ConfigureAwait(false) is { } failure && IsUnwritable(failure))
        {
            LogReplyUnsendable(failure, server, pending.Request.Method);
            await SendQuietlyAsync(pending.ReplyTo, JsonRpcReplies.Error(pending.Request.Id, McpErrorCode.InternalError,
                $"Upstream server '{server}' answered '{pending.Request.Method}' with a message Gatehouse could not relay.")).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends the client an <c>elicitation/create</c> of Gatehouse's own, on the stream of <paramref name="request"/>, and
    /// returns the client's result. Its id cannot be guessed, so its reply is taken here and never reaches the upstream.
    /// </summary>
    public async Task<JsonNode?> ElicitAsync(JsonRpcRequest request, JsonObject parameters, CancellationToken cancellationToken)
    {
        if (pending.Find(request) is not { } waiting)
        {
            throw new InvalidOperationException($"Request {request.Id} is no longer waiting.");
        }

        var id = new RequestId($"gatehouse-{Guid.NewGuid():N}");
        var reply = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ownRequests[id] = reply;
        try
        {
            await SendQuietlyAsync(waiting.ReplyTo, new JsonRpcRequest { Id = id, Method = RequestMethods.ElicitationCreate, Params = parameters })
                .ConfigureAwait(false);
            return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false) switch
            {
                JsonRpcResponse response => response.Result,
                JsonRpcError error => throw new InvalidOperationException($"The client refused the elicitation: {error.Error.Message}"),
                _ => null,
            };
        }
        finally
        {
            _ownRequests.TryRemove(id, out _);
        }
    }

    /// <summary>Tells the client that its request is still being worked on, when it asked for progress.</summary>
    public async Task ReportProgressAsync(JsonRpcRequest request, double progress, string message)
    {
        if (pending.Find(request) is not { } waiting || ((request.Params as JsonObject)?["_meta"] as JsonObject)?["progressToken"] is not { } token)
        {
            return;
        }

        await SendQuietlyAsync(waiting.ReplyTo, new JsonRpcNotification
        {
            Method = NotificationMethods.ProgressNotification,
            Params = new JsonObject { ["progressToken"] = token.DeepClone(), ["progress"] = progress, ["message"] = message },
        }).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="message"/> to the client; returns why it could not be sent, or null.</summary>
    private async Task<Exception?> TrySendAsync(ITransport target, JsonRpcMessage message)
    {
        try
        {
            // A session closing still tells its client why its requests end, for a little while.
            using var timeout = lifetime.IsCancellationRequested ? new CancellationTokenSource(s_closeSendTimeout) : null;
            await target.SendMessageAsync(message, timeout?.Token ?? lifetime).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            // The client may have gone (closed its stream, ended the session); nothing else waits for this message.
            LogClientSendFailed(ex, server, sessionId);
            return ex;
        }
    }

    private static bool IsUnwritable(Exception ex) =>
        ex is System.Text.Json.JsonException || (ex.InnerException is { } inner && IsUnwritable(inner));

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer of server '{Server}' to '{Method}' could not be relayed; the client got an error instead.")]
    private partial void LogReplyUnsendable(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A message for the client of '{Server}' session {SessionId} could not be delivered.")]
    private partial void LogClientSendFailed(Exception ex, string server, string sessionId);
}
