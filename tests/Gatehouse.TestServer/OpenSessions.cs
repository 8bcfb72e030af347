using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ModelContextProtocol.Server;

namespace Gatehouse.TestServer;

/// <summary>
/// The server's open sessions, and the GET streams clients opened on them: for tests of messages a server sends of its
/// own accord, on no request of the client's.
/// </summary>
public sealed class OpenSessions
{
    private readonly ConcurrentDictionary<McpServer, byte> _servers = new();
    private int _eventStreams;

    /// <summary>How many GET requests (event streams for the server's own messages) clients have sent.</summary>
    public int EventStreamsRequested => Volatile.Read(ref _eventStreams);

    /// <summary>The ids of the sessions open now.</summary>
    public IReadOnlyList<string> Ids => [.. _servers.Keys.Select(s => s.SessionId).OfType<string>()];

    internal void CountEventStream() => Interlocked.Increment(ref _eventStreams);

    internal async Task RunAsync(McpServer server, CancellationToken cancellationToken)
    {
        _servers.TryAdd(server, 0);
        try
        {
            await server.RunAsync(cancellationToken);
        }
        finally
        {
            _servers.TryRemove(server, out _);
        }
    }

    /// <summary>Sends <paramref name="method"/> to every open session, unrelated to any request.</summary>
    public Task NotifyAllAsync(string method, JsonNode parameters) =>
        Task.WhenAll(_servers.Keys.Select(s => s.SendNotificationAsync(method, parameters)));
}
