using System.Collections.Concurrent;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The <see cref="ModernServer"/> of each server and grant, made when a client of this revision first reaches it: a
/// grant's requests to a stdio server share that grant's pool of processes, never another grant's.
/// </summary>
internal sealed class ModernUpstreams(IHttpClientFactory httpClients, IUpstreamConnector connector, Accounts.UpstreamAccounts accounts, TimeProvider time,
    ILoggerFactory loggerFactory)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Server, string Grant), Lazy<ModernServer>> _servers = new();

    /// <summary>
    /// The server as <paramref name="grant"/>'s requests reach it; for a server that requires OAuth, as
    /// <paramref name="identity"/>'s, each person with their own token (and their own view of what it offers them).
    /// </summary>
    public ModernServer For(UpstreamServerConfig server, string grant, string? identity = null)
    {
        var key = server.OAuth is null ? grant : $"{grant}\n{identity}";
        return _servers.GetOrAdd((server.Name, key), _ => new Lazy<ModernServer>(() => new ModernServer(Create(server, identity), server.CallTimeout, time))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers.Values.Where(s => s.IsValueCreated))
        {
            await server.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    private IModernUpstream Create(UpstreamServerConfig server, string? identity) => server switch
    {
        { Kind: UpstreamKind.Http, Transport: not UpstreamTransport.Sse } =>
            new HttpModernUpstream(server, httpClients.CreateClient(UpstreamConnector.HttpClientName), server.OAuth is null ? null : accounts.Bearer(server, identity)),
        { Kind: UpstreamKind.Stdio, Pool: { } pool } => new StdioPool(server, pool, connector, time, loggerFactory.CreateLogger<StdioPool>()),
        _ => new SessionOnlyUpstream(server.Name),
    };
}
