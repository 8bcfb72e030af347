using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// One process of a <see cref="StdioPool"/>: many callers' requests on one standard input. Each request goes with an id of
/// Gatehouse's making (callers' ids may be the same), and so does its progress token; what the process sends back is
/// given to the request it belongs to with the caller's own id and token again.
/// </summary>
internal sealed partial class PooledProcess : IAsyncDisposable
{
    private readonly ITransport _transport;
    /// <summary>How long a request whose client went away counts as still working, when the process never answers it.</summary>
    private static readonly TimeSpan s_abandonedGrace = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, InFlight> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _abandoned = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly Task _reading;
    private long _nextId;
    private long _idleSince;

    public PooledProcess(ITransport transport, string server, TimeProvider time, ILogger logger)
    {
        _transport = transport;
        _server = server;
        _time = time;
        _logger = logger;
        _idleSince = time.GetTimestamp();
        _reading = ReadAsync();
    }

    /// <summary>Requests sent and not yet answered.</summary>
    public int Busy => _inFlight.Count;

    /// <summary>Whether the process still reads its input: false once it exited or was stopped.</summary>
    public bool IsAlive => !_reading.IsCompleted;

    /// <summary>How long the process has had nothing to do; zero while it works.</summary>
    public TimeSpan IdleFor => Busy > 0 ? TimeSpan.Zero : _time.GetElapsedTime(Interlocked.Read(ref _idleSince));

    /// <summary>Sends <paramref name="request"/>; the answer's messages follow as the process sends them.</summary>
    public async Task<UpstreamAnswer> SendAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        var id = $"gatehouse-{Interlocked.Increment(ref _nextId)}";
        var parameters = request.Params?.DeepClone() as JsonObject;
        var meta = ModernProtocol.MetaOf(parameters);
        var token = meta?["progressToken"]?.DeepClone();
        if (meta is not null && token is not null)
        {
            meta["progressToken"] = id;
        }

        var waiting = new InFlight(request.Id, token, meta?.ContainsKey("io.modelcontextprotocol/logLevel") == true,
            Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true }));
        _inFlight[id] = waiting;
        if (_reading.IsCompleted && Forget(id) is not null)
        {
            // The process exited as this request was added: nobody would answer it.
            throw new IOException($"Upstream server '{_server}' exited before it could take the request.");
        }

        try
        {
            await _transport.SendMessageAsync(new JsonRpcRequest { Id = new RequestId(id), Method = request.Method, Params = parameters }, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            Forget(id);
            throw;
        }

        // The caller stops reading when it goes away; the process is then told to stop working on the request.
        var registration = cancellationToken.Register(() =>
        {
            if (Forget(id) is not null)
            {
                // Until the process answers it, the request may still be working, and logging: nothing it sends is another's.
                _abandoned[id] = _time.GetTimestamp();
                _ = SendQuietlyAsync(JsonRpcReplies.Cancelled(new RequestId(id), "The client went away."));
            }
        });
        return new UpstreamAnswer(UpstreamAnswer.StatusOfError, streamed: false, waiting.Messages.Reader.ReadAllAsync(cancellationToken), registration);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _reading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task ReadAsync()
    {
        await Task.Yield();
        try
        {
            await foreach (var message in _transport.MessageReader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                Route(message);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogReadFailed(ex, _server);
        }
        finally
        {
            foreach (var id in _inFlight.Keys)
            {
                if (Forget(id) is { } orphan)
                {
                    orphan.Messages.Writer.TryWrite(JsonRpcReplies.Error(orphan.CallerId, ModelContextProtocol.McpErrorCode.InternalError,
                        $"Upstream server '{_server}' exited while this request was in flight."));
                    orphan.Messages.Writer.TryComplete();
                }
            }
        }
    }

    private void Route(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcMessageWithId reply when reply is JsonRpcResponse or JsonRpcError:
                if (reply.Id.Id is string abandoned)
                {
                    _abandoned.TryRemove(abandoned, out _);
                }

                if (reply.Id.Id is string id && Forget(id) is { } answered)
                {
                    answered.Messages.Writer.TryWrite(reply is JsonRpcResponse response
                        ? new JsonRpcResponse { Id = answered.CallerId, Result = response.Result }
                        : new JsonRpcError { Id = answered.CallerId, Error = ((JsonRpcError)reply).Error });
                    answered.Messages.Writer.TryComplete();
                }

                break;

            case JsonRpcNotification notification when OwnerOf(notification) is { } owner:
                owner.Messages.Writer.TryWrite(owner.Restore(notification));
                break;

            case JsonRpcRequest serverRequest:
                // This revision's servers ask in results (input_required), never mid-request; nobody here could answer.
                _ = SendQuietlyAsync(JsonRpcReplies.Error(serverRequest.Id, ModelContextProtocol.McpErrorCode.MethodNotFound,
                    $"Gatehouse relays MCP {ModernProtocol.Version} to this server; '{serverRequest.Method}' cannot be sent to a client."));
                break;
        }
    }

    /// <summary>The request a notification is about: by its progress token, its subscription, or the one request in flight.</summary>
    private InFlight? OwnerOf(JsonRpcNotification notification)
    {
        var parameters = notification.Params as JsonObject;
        if (parameters?["progressToken"] is JsonValue token && token.TryGetValue<string>(out var byToken))
        {
            return _inFlight.GetValueOrDefault(byToken);
        }

        if (ModernProtocol.MetaOf(parameters)?["io.modelcontextprotocol/subscriptionId"] is JsonValue subscription &&
            subscription.TryGetValue<string>(out var bySubscription))
        {
            return _inFlight.GetValueOrDefault(bySubscription);
        }

        // A log message names no request; it is given to a request only when there can be no doubt whose it is: the one
        // request at work, which asked for logs, with none abandoned that may still be logging.
        foreach (var (id, since) in _abandoned)
        {
            if (_time.GetElapsedTime(since) > s_abandonedGrace)
            {
                _abandoned.TryRemove(id, out _);
            }
        }

        return _inFlight.Count == 1 && _abandoned.IsEmpty && _inFlight.Values.FirstOrDefault() is { WantsLogs: true } lone ? lone : null;
    }

    private InFlight? Forget(string id)
    {
        if (!_inFlight.TryRemove(id, out var removed))
        {
            return null;
        }

        if (_inFlight.IsEmpty)
        {
            Interlocked.Exchange(ref _idleSince, _time.GetTimestamp());
        }

        return removed;
    }

    private async Task SendQuietlyAsync(JsonRpcMessage message)
    {
        try
        {
            await _transport.SendMessageAsync(message, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSendFailed(ex, _server);
        }
    }

    private sealed record InFlight(RequestId CallerId, JsonNode? ProgressToken, bool WantsLogs, Channel<JsonRpcMessage> Messages)
    {
        /// <summary>The notification with the caller's progress token and subscription id in place of Gatehouse's.</summary>
        public JsonRpcNotification Restore(JsonRpcNotification notification)
        {
            if (notification.Params?.DeepClone() is not JsonObject parameters)
            {
                return notification;
            }

            if (parameters.ContainsKey("progressToken"))
            {
                parameters["progressToken"] = ProgressToken?.DeepClone();
            }

            if (ModernProtocol.MetaOf(parameters) is { } meta && meta.ContainsKey("io.modelcontextprotocol/subscriptionId"))
            {
                meta["io.modelcontextprotocol/subscriptionId"] = JsonValue.Create(CallerId.Id);
            }

            return new JsonRpcNotification { Method = notification.Method, Params = parameters };
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading from a pooled process of server '{Server}' failed.")]
    private partial void LogReadFailed(Exception ex, string server);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A message for a pooled process of server '{Server}' could not be sent.")]
    private partial void LogSendFailed(Exception ex, string server);
}
