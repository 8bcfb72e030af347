using Gatehouse.Approvals;
using Gatehouse.Authentication;
using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Gatehouse.Relay;
using Gatehouse.Relay.Accounts;
using Gatehouse.Relay.Session;
using Gatehouse.Relay.Wire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Hosting;

/// <summary>Serves one upstream over Gatehouse's own standard input and output, for clients that only launch local servers.</summary>
public static class StdioGateway
{
    /// <summary>Relays between this process's stdio and <paramref name="serverName"/> until either side closes.</summary>
    /// <exception cref="UnauthorizedAccessException"><paramref name="identity"/> holds no grant on the server.</exception>
    public static async Task RunAsync(GatehouseConfig config, string serverName, string identity, CancellationToken cancellationToken)
    {
        var server = config.McpServers[serverName];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ConfigureGatehouseLogging();
        builder.Services.AddGatehouseRelay(config);
        builder.Services.AddGatehousePolicyDecisions();
        builder.Services.AddGatehouseState(config);
        builder.Services.AddGatehouseApprovalExpiry();
        using var host = builder.Build();
        host.Services.GetRequiredService<GrantPolicies>();
        await host.StartAsync(cancellationToken);
        try
        {
            var loggerFactory = host.Services.GetRequiredService<ILoggerFactory>();
            var sessions = host.Services.GetRequiredService<RelaySessionRegistry>();
            var user = CallerIdentity.Create(identity, "stdio");
            if (host.Services.GetRequiredService<IAccessCheck>().GrantFor(serverName, user) is null)
            {
                throw new UnauthorizedAccessException($"Identity '{identity}' holds no grant on server '{serverName}'.");
            }

            var sessionId = RelaySessionRegistry.NewSessionId();
            var transport = new StdioFrontTransport(Console.OpenStandardInput(), Console.OpenStandardOutput(), new RelayCall(serverName, sessionId, user),
                host.Services.GetRequiredService<CallRecorder>(), host.Services.GetRequiredService<IOptions<RelayHttpOptions>>().Value.MaxRequestBodyBytes,
                loggerFactory);
            RelaySession session;
            try
            {
                session = await sessions.OpenAsync(server, sessionId, user, transport, cancellationToken);
            }
            catch (UpstreamAccountRequiredException refusal)
            {
                // The person reads this in their client: the link is made for the gateway's configured address.
                await AccountRefusal.ServeAsync(transport, host.Services.GetRequiredService<IUpstreamAccounts>().WithLink(refusal), cancellationToken);
                return;
            }

            // Standard output carries whatever the server sends, whenever it sends it.
            session.Listen();
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
