using System.Security.Claims;
using Gatehouse.Configuration;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>Sessions that share their grant's pool of a stdio server, where the operator chose it.</summary>
internal sealed class PooledSessions(ModernUpstreams upstreams, IAccessCheck access) : ISharedUpstreams
{
    public IUpstreamConnector? SessionConnector(UpstreamServerConfig server, ClaimsPrincipal? user) =>
        server is { Kind: UpstreamKind.Stdio, Pool.Sessions: true } && access.GrantFor(server.Name, user) is { } grant
            ? new Connector(upstreams.For(server, grant))
            : null;

    private sealed class Connector(ModernServer pool) : IUpstreamConnector
    {
        public Task<ITransport> ConnectAsync(UpstreamServerConfig server, CancellationToken cancellationToken) =>
            Task.FromResult<ITransport>(new PooledSessionTransport(pool));

        // A pooled session's messages of the server's own accord come on its one transport; there is no stream to open.
        public Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, CancellationToken cancellationToken) =>
            Task.FromResult<ITransport?>(null);
    }
}
