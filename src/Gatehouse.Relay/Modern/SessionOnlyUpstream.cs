using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// A server reached only through sessions: one on the legacy HTTP+SSE transport, or a stdio server with no pool (its
/// processes are per session unless the operator says its state may be shared). It takes no 2026-07-28 request, so its
/// clients are offered the revisions opened with initialize, and fall back to a session.
/// </summary>
internal sealed class SessionOnlyUpstream(string server) : IModernUpstream
{
    public Task<UpstreamAnswer> SendAsync(JsonRpcRequest request, IReadOnlyList<KeyValuePair<string, string>> paramHeaders, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Server '{server}' is reached only through sessions opened with initialize.");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
