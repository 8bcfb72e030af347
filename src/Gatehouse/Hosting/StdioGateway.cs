using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Gatehouse.Relay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;

namespace Gatehouse.Hosting;

/// <summary>Serves one upstream over Gatehouse's own standard input and output, for clients that only launch local servers.</summary>
public static class StdioGateway
{
    /// <summary>Relays between this process's stdio and <paramref name="serverName"/> until either side closes.</summary>
    public static async Task RunAsync(GatehouseConfig config, string serverName, CancellationToken cancellationToken)
    {
        var server = config.McpServers[serverName];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ConfigureGatehouseLogging();
        builder.Services.AddGatehouseRelay(config);
        builder.Services.AddGatehousePolicyDecisions();
        using var host = builder.Build();
        host.Services.GetRequiredService<GrantPolicies>();
        await host.StartAsync(cancellationToken);
        try
        {
            var loggerFactory = host.Services.GetRequiredService<ILoggerFactory>();
            var sessions = host.Services.GetRequiredService<RelaySessionRegistry>();
            var transport = new StdioServerTransport(serverName, loggerFactory);
            var session = await sessions.OpenAsync(server, RelaySessionRegistry.NewSessionId(), identity: config.Auth.Anonymous, transport, cancellationToken);
            await session.Completion.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
