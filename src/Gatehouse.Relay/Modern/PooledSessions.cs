using System.Security.Claims;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>Sessions that share their grant's pool of a stdio server, where the operator chose it.</summary>
internal sealed class PooledSessions(ModernUpstreams upstreams, IAccessCheck access, TaskOwners tasks) : ISharedUpstreams
{
    public IUpstreamConnector? SessionConnector(UpstreamServerConfig server, ClaimsPrincipal? user) =>
        server is { Kind: UpstreamKind.Stdio, Pool.Sessions: true } && access.GrantFor(server.Name, user) is { } grant
            ? new Connector(upstreams.For(server, grant), new TaskScope(tasks, server.Name, RelayCall.IdentityOf(user), grant))
            : null;

    private sealed class Connector(ModernServer pool, TaskScope tasks) : IUpstreamConnector
    {
        public Task<ITransport> ConnectAsync(UpstreamServerConfig server, CancellationToken cancellationToken) =>
            Task.FromResult<ITransport>(new PooledSessionTransport(pool, tasks));

        // A pooled session's messages of the server's own accord come on its one transport; there is no stream to open.
        public Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, CancellationToken cancellationToken) =>
            Task.FromResult<ITransport?>(null);
    }
}

/// <summary>The tasks a pooled session may reach: those its identity created under its grant, as on the session-less path.</summary>
internal sealed record TaskScope(TaskOwners Owners, string Server, string? Identity, string Grant)
{
    public bool Owns(string taskId) => Owners.Owns(Server, Identity, Grant, taskId);

    public void Remember(JsonObject result) => Owners.Remember(Server, Identity, Grant, result);
}
