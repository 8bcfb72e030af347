using Gatehouse.Configuration;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Relay.Modern;

/// <summary>Starts each grant's pool of a stdio server as the gateway starts, so its minimum is running before the first request.</summary>
internal sealed class ProcessPoolWarmup(GatehouseConfig config, ModernUpstreams upstreams) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var grant in config.Grants)
        {
            if (config.McpServers.TryGetValue(grant.Server, out var server) && server is { Kind: UpstreamKind.Stdio, Disabled: false, Pool.Min: > 0 })
            {
                upstreams.For(server, grant.Id);
            }
        }

        return Task.CompletedTask;
    }

    // The pools stop with the container that owns them, after the last request is done.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
