using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>
/// Requests of Gatehouse's own on the upstream session (e.g. to learn its tools), answered to Gatehouse and never seen
/// by the client. Their ids cannot be guessed, so no client request can take their replies.
/// </summary>
internal sealed class UpstreamRequests(UpstreamServerConfig server, UpstreamSupervisor upstream, CancellationToken lifetime)
{
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>> _waiting = new();

    /// <summary>Sends <paramref name="method"/> upstream and returns its result.</summary>
    /// <exception cref="UpstreamRestartingException">The upstream is restarting.</exception>
    /// <exception cref="McpException">The upstream refused the request, or closed before it answered.</exception>
    public async Task<JsonNode?> SendAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (upstream.Current is not { } transport)
        {
            throw new UpstreamRestartingException(server.Name);
        }

        var request = new JsonRpcRequest { Id = new RequestId($"gatehouse-{Guid.NewGuid():N}"), Method = method, Params = parameters };
        var reply = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[request.Id] = reply;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime);
            timeout.CancelAfter(server.CallTimeout);
            _ = transport.SendMessageAsync(request, timeout.Token).ContinueWith(
                send => reply.TrySetException(send.Exception!.InnerExceptions), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return await reply.Task.WaitAsync(timeout.Token).ConfigureAwait(false) switch
            {
                JsonRpcResponse response => response.Result,
                JsonRpcError error => throw new McpException($"Upstream server '{server.Name}' refused {method}: {error.Error.Message}"),
                _ => null,
            };
        }
        finally
        {
            _waiting.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Takes the upstream's answer to one of these requests; false when <paramref name="reply"/> answers another.</summary>
    public bool TryTakeReply(JsonRpcMessageWithId reply)
    {
        if (reply is not (JsonRpcResponse or JsonRpcError) || !_waiting.TryRemove(reply.Id, out var own))
        {
            return false;
        }

        own.TrySetResult(reply);
        return true;
    }

    /// <summary>The upstream session was lost: no request of these will be answered.</summary>
    public void FailAll()
    {
        foreach (var own in _waiting.Values)
        {
            own.TrySetException(new McpException($"Upstream server '{server.Name}' closed."));
        }
    }
}
