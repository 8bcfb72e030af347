using System.Text.Json;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Gatehouse.Relay.Accounts;
using Gatehouse.Relay.Http;
using Gatehouse.Relay.Modern;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Relay;

/// <summary>Registers and maps the relay the ASP.NET Core way.</summary>
public static class RelayServiceCollectionExtensions
{
    /// <summary>Adds the relay for the servers of <paramref name="config"/>; the decision point defaults to allow-all.</summary>
    public static IServiceCollection AddGatehouseRelay(this IServiceCollection services, GatehouseConfig config)
    {
        services.AddSingleton(config);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDecisionPoint, AllowAllDecisionPoint>();
        services.TryAddSingleton<IAuditLog, DisabledAuditLog>();
        services.AddMetrics();
        services.TryAddSingleton<GatehouseTelemetry>();
        services.TryAddSingleton<CallRecorder>();
        services.TryAddSingleton<IAccessCheck, OpenAccess>();
        services.TryAddSingleton<IScopeCheck, NoScopesRequired>();
        services.AddSingleton<ScopeChallenge>();
        services.TryAddSingleton<IUpstreamConnector, UpstreamConnector>();
        services.AddHttpClient(UpstreamConnector.HttpClientName);
        services.AddSingleton<RelaySessionRegistry>();
        services.AddSingleton<UpstreamReadiness>();
        services.AddSingleton<ResumableStreams>();
        services.AddSingleton<HttpMessageIntake>();
        services.AddSingleton<TaskOwners>();
        services.AddSingleton<ModernUpstreams>();
        services.TryAddSingleton<ISharedUpstreams, PooledSessions>();
        services.AddDataProtection();
        services.AddHttpContextAccessor();
        services.TryAddSingleton<IUpstreamTokenVault, InMemoryUpstreamTokenVault>();
        services.AddSingleton<ConnectTickets>();
        services.AddSingleton<UpstreamAccounts>();
        services.AddSingleton<IUpstreamAccounts>(sp => sp.GetRequiredService<UpstreamAccounts>());
        services.TryAddSingleton<IUpstreamConnections, UpstreamConnections>();
        services.AddSingleton<UpstreamConnectEndpoints>();
        services.AddSingleton<ModernRelay>();
        services.AddSingleton<StreamableHttpEndpoints>();
        services.AddSingleton<LegacySseEndpoints>();
        services.AddOptions<RelayHttpOptions>().Configure(o =>
        {
            foreach (var host in config.Http.AllowedHosts)
            {
                o.AllowedHosts.Add(host);
            }

            foreach (var origin in config.Http.AllowedOrigins)
            {
                o.AllowedOrigins.Add(origin.TrimEnd('/'));
            }
        });
        return services;
    }

    /// <summary>
    /// Closes sessions idle longer than their server's <c>idleTimeout</c>: for a gateway that serves many clients,
    /// not for one that serves its own standard input.
    /// </summary>
    public static IServiceCollection AddGatehouseIdleSessionReaper(this IServiceCollection services) =>
        services.AddHostedService<RelayIdleReaper>();

    /// <summary>
    /// Starts the pools of stdio servers that name one (<c>"pool"</c>) as the gateway starts, each grant's minimum of
    /// processes running ahead of the first 2026-07-28 request.
    /// </summary>
    public static IServiceCollection AddGatehouseProcessPools(this IServiceCollection services) =>
        services.AddHostedService<ProcessPoolWarmup>();

    /// <summary>
    /// Maps <c>/mcp/{server}</c> (Streamable HTTP), <c>/mcp/{server}/sse</c> and <c>/mcp/{server}/message</c>
    /// (legacy HTTP+SSE), <c>/healthz</c> and <c>/readyz</c>, and <c>/connect/{server}</c> with <c>/connect/callback</c>, where a
    /// person's browser connects their account at a server that requires OAuth.
    /// </summary>
    public static IEndpointRouteBuilder MapGatehouseRelay(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        endpoints.MapGet("/readyz", async (UpstreamReadiness readiness, IEnumerable<IDependencyReadiness> dependencies, CancellationToken ct) =>
        {
            var servers = await readiness.CheckAsync(ct);
            var others = dependencies.ToDictionary(d => d.Name, d => d.Check(), StringComparer.Ordinal);
            var ready = servers.Values.Concat(others.Values).All(s => s.Ready);
            return Results.Json(new { status = ready ? "ready" : "not ready", servers, dependencies = others }, JsonSerializerOptions.Web,
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });

        var mcp = endpoints.MapGroup("/mcp/{server}");
        mcp.MapPost("", (HttpContext c, string server, StreamableHttpEndpoints h) => h.PostAsync(c, server));
        mcp.MapGet("", (HttpContext c, string server, StreamableHttpEndpoints h) => h.GetAsync(c, server));
        mcp.MapDelete("", (HttpContext c, string server, StreamableHttpEndpoints h) => h.DeleteAsync(c, server));
        mcp.MapGet("/sse", (HttpContext c, string server, LegacySseEndpoints h) => h.StreamAsync(c, server));
        mcp.MapPost("/message", (HttpContext c, string server, LegacySseEndpoints h) => h.MessageAsync(c, server));

        // The callback first: "callback" is not a server name this route may take for one.
        endpoints.MapGet(UpstreamAccounts.CallbackPath, (HttpContext c, UpstreamConnectEndpoints h) => h.CallbackAsync(c));
        endpoints.MapGet("/connect/{server}", (HttpContext c, string server, UpstreamConnectEndpoints h) => h.StartAsync(c, server));
        return endpoints;
    }

    /// <summary>Refuses requests whose Host or Origin is not loopback or listed (DNS-rebinding protection).</summary>
    public static IApplicationBuilder UseGatehouseLoopbackGuard(this IApplicationBuilder app) =>
        app.UseMiddleware<LoopbackGuardMiddleware>();
}
