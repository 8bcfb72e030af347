using System.Collections.Concurrent;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The <see cref="ModernServer"/> of each server and grant, made when a client of this revision first reaches it: a
/// grant's requests to a stdio server share that grant's pool of processes, never another grant's.
/// </summary>
internal sealed class ModernUpstreams(IHttpClientFactory httpClients, IUpstreamConnector connector, TimeProvider time, ILoggerFactory loggerFactory)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Server, string Grant), Lazy<ModernServer>> _servers = new();

    public ModernServer For(UpstreamServerConfig server, string grant) =>
        _servers.GetOrAdd((server.Name, grant), _ => new Lazy<ModernServer>(() => new ModernServer(Create(server), server.CallTimeout, time))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            await server.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IModernUpstream Create(UpstreamServerConfig server) => server switch
    {
        // Each person's own token goes upstream, and a session carries it; its clients fall back to one.
        { Kind: UpstreamKind.Http, OAuth: not null } => new SessionOnlyUpstream(server.Name),
        { Kind: UpstreamKind.Http, Transport: not UpstreamTransport.Sse } =>
            new HttpModernUpstream(server, httpClients.CreateClient(UpstreamConnector.HttpClientName)),
        { Kind: UpstreamKind.Stdio, Pool: { } pool } => new StdioPool(server, pool, connector, time, loggerFactory.CreateLogger<StdioPool>()),
        _ => new SessionOnlyUpstream(server.Name),
    };
}
