using Gatehouse.Configuration;
using Microsoft.Extensions.Hosting;

namespace Gatehouse.Relay;

/// <summary>Closes idle sessions now and then, so that abandoned clients do not keep upstream processes alive.</summary>
internal sealed class RelayIdleReaper(RelaySessionRegistry sessions, GatehouseConfig config, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await sessions.ReapIdleAsync(config.McpServers).ConfigureAwait(false);
        }
    }
}
