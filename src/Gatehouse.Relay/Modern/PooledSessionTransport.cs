using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Gatehouse.Relay.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The upstream of a 2025 session, as a session sees it, made of its grant's pool: the handshake is answered here from
/// the server's <c>server/discover</c>, and each request goes to the pool as a 2026-07-28 request carrying the session's
/// capabilities. What a pool cannot give a session (the server asking mid-call, resource subscriptions) is refused.
/// </summary>
internal sealed class PooledSessionTransport(ModernServer pool, TaskScope tasks) : ITransport
{
    private readonly Channel<JsonRpcMessage> _toSession = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<RequestId, CancellationTokenSource> _inFlight = new();
    private readonly CancellationTokenSource _closing = new();
    private JsonObject _capabilities = [];
    private JsonNode? _logLevel;

    public string? SessionId => null;

    public ChannelReader<JsonRpcMessage> MessageReader => _toSession.Reader;

    public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
    {
        switch (message)
        {
            case JsonRpcRequest { Method: RequestMethods.Initialize } initialize:
                _ = AnswerAsync(initialize.Id, () => InitializeAsync(initialize));
                break;
            case JsonRpcRequest { Method: RequestMethods.Ping } ping:
                Deliver(new JsonRpcResponse { Id = ping.Id, Result = new JsonObject() });
                break;
            case JsonRpcRequest { Method: "logging/setLevel" } setLevel:
                _logLevel = (setLevel.Params as JsonObject)?["level"]?.DeepClone();
                Deliver(new JsonRpcResponse { Id = setLevel.Id, Result = new JsonObject() });
                break;
            case JsonRpcRequest { Method: RequestMethods.ResourcesSubscribe or RequestMethods.ResourcesUnsubscribe } subscribe:
                Deliver(JsonRpcReplies.Error(subscribe.Id, McpErrorCode.MethodNotFound,
                    "Resource subscriptions need a process of the session's own; this server's sessions share a pool."));
                break;
            case JsonRpcRequest { Method: "tasks/list" } list:
                // A task list would name other callers' tasks: the session-less path never relays it either.
                Deliver(JsonRpcReplies.Error(list.Id, McpErrorCode.MethodNotFound, "Method not found: Gatehouse never relays tasks/list."));
                break;
            case JsonRpcRequest request when (request.Method.StartsWith("tasks/", StringComparison.Ordinal) || TaskOwners.TaskIdOf(request.Params) is not null) &&
                !(TaskOwners.TaskIdOf(request.Params) is { } taskId && tasks.Owns(taskId)):
                Deliver(JsonRpcReplies.Error(request.Id, McpErrorCode.InvalidParams, "Invalid params: no task with this taskId was created by this caller."));
                break;
            case JsonRpcRequest request:
                _ = ForwardAsync(request);
                break;
            case JsonRpcNotification { Method: NotificationMethods.CancelledNotification, Params: JsonObject cancelled }
                when cancelled["requestId"] is JsonValue id && _inFlight.TryGetValue(ReadId(id), out var source):
                try
                {
                    source.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // Answered in the meantime: nothing is left to cancel.
                }

                break;
        }

        // Other notifications (initialized, roots changed) and answers to requests never sent end here: nothing waits for them.
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync().ConfigureAwait(false);
        _toSession.Writer.TryComplete();
    }

    private async Task<JsonRpcMessage> InitializeAsync(JsonRpcRequest initialize)
    {
        var parameters = initialize.Params as JsonObject;
        _capabilities = parameters?["capabilities"]?.DeepClone() as JsonObject ?? [];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var discovered = await pool.RequestAsync(ModernProtocol.Discover, null, timeout.Token).ConfigureAwait(false) as JsonObject ?? [];
        var requested = parameters?["protocolVersion"] is JsonValue value && value.TryGetValue<string>(out var version) ? version : null;
        return new JsonRpcResponse
        {
            Id = initialize.Id,
            Result = new JsonObject
            {
                ["protocolVersion"] = requested is not null && McpProtocolHeaders.RelayedVersions.Contains(requested) ? requested : "2025-11-25",
                ["capabilities"] = SessionCapabilities(discovered["capabilities"]),
                ["serverInfo"] = ModernProtocol.MetaOf(discovered)?["io.modelcontextprotocol/serverInfo"]?.DeepClone() ??
                    new JsonObject { ["name"] = "pooled", ["version"] = "0" },
                ["instructions"] = discovered["instructions"]?.DeepClone(),
            },
        };
    }

    private async Task ForwardAsync(JsonRpcRequest request)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        _inFlight[request.Id] = cancellation;
        try
        {
            await AnswerAsync(request.Id, async () =>
            {
                using var answer = await pool.Upstream.SendAsync(WithMeta(request), [], cancellation.Token).ConfigureAwait(false);
                await foreach (var message in answer.Messages.WithCancellation(cancellation.Token).ConfigureAwait(false))
                {
                    switch (message)
                    {
                        case JsonRpcNotification notification:
                            Deliver(notification);
                            break;
                        case JsonRpcResponse { Result: JsonObject result } when (string?)result["resultType"] == "input_required":
                            return JsonRpcReplies.Error(request.Id, McpErrorCode.InternalError,
                                "The server asks for more input to go on, which a session sharing a pool cannot be asked; give the server a process per session.");
                        case JsonRpcMessageWithId reply when reply is JsonRpcResponse or JsonRpcError:
                            if (reply is JsonRpcResponse { Result: JsonObject created })
                            {
                                tasks.Remember(created);
                            }

                            return reply;
                    }
                }

                throw new IOException("The pooled process ended its answer without a result.");
            }).ConfigureAwait(false);
        }
        finally
        {
            // Only this request's own entry: a later request may reuse its id once this one was cancelled.
            _inFlight.TryRemove(new KeyValuePair<RequestId, CancellationTokenSource>(request.Id, cancellation));
        }
    }

    private async Task AnswerAsync(RequestId id, Func<Task<JsonRpcMessage>> answer)
    {
        try
        {
            Deliver(await answer().ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            // Cancelled by the client, or the session closed: the session answers for itself.
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Deliver(JsonRpcReplies.Error(id, McpErrorCode.InternalError, $"The pooled server could not answer: {ex.Message}"));
        }
    }

    // What a session sharing a pool can be given: no resource subscriptions, and no list changes (nothing delivers them).
    private static JsonObject SessionCapabilities(JsonNode? discovered)
    {
        var capabilities = discovered?.DeepClone() as JsonObject ?? [];
        if (capabilities["resources"] is JsonObject resources)
        {
            resources.Remove("subscribe");
            resources.Remove("listChanged");
        }

        foreach (var kind in new[] { "tools", "prompts" })
        {
            (capabilities[kind] as JsonObject)?.Remove("listChanged");
        }

        return capabilities;
    }

    private JsonRpcRequest WithMeta(JsonRpcRequest request)
    {
        var parameters = request.Params?.DeepClone() as JsonObject ?? [];
        var meta = ModernProtocol.MetaOf(parameters) ?? [];
        meta[ModernProtocol.ProtocolVersionKey] = ModernProtocol.Version;
        meta[ModernProtocol.ClientCapabilitiesKey] = _capabilities.DeepClone();
        if (_logLevel is not null)
        {
            meta["io.modelcontextprotocol/logLevel"] = _logLevel.DeepClone();
        }

        parameters["_meta"] = meta;
        return new JsonRpcRequest { Id = request.Id, Method = request.Method, Params = parameters };
    }

    private void Deliver(JsonRpcMessage message) => _toSession.Writer.TryWrite(message);

    private static RequestId ReadId(JsonValue id) =>
        id.TryGetValue<string>(out var text) ? new RequestId(text) : id.TryGetValue<long>(out var number) ? new RequestId(number) : default;
}
