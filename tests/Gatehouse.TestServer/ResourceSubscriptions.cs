using System.Collections.Concurrent;

namespace Gatehouse.TestServer;

/// <summary>Which resource URIs each session subscribed to, so updates go only to subscribers.</summary>
public sealed class ResourceSubscriptions
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _bySession = new();

    public void Subscribe(string sessionId, string uri) => _bySession.GetOrAdd(sessionId, _ => new()).TryAdd(uri, 0);

    public void Unsubscribe(string sessionId, string uri)
    {
        if (_bySession.TryGetValue(sessionId, out var uris))
        {
            uris.TryRemove(uri, out _);
        }
    }

    public bool IsSubscribed(string sessionId, string uri) =>
        _bySession.TryGetValue(sessionId, out var uris) && uris.ContainsKey(uri);
}
