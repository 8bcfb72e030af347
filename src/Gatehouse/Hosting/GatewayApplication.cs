using Gatehouse.Admin;
using Gatehouse.Approvals;
using Gatehouse.Authentication;
using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Gatehouse.OAuth;
using Gatehouse.OperatorConsole;
using Gatehouse.Relay;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Hosting;

/// <summary>Builds the gateway's web application from a loaded configuration.</summary>
public static partial class GatewayApplication
{
    /// <summary>
    /// Builds the gateway listening on <paramref name="listen"/> (or the configuration's address).
    /// </summary>
    /// <param name="configureServices">Replaces or adds services, e.g. a decision point.</param>
    public static WebApplication Build(GatehouseConfig config, string? listen = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // The host reads appsettings.json once rather than watching for changes: Gatehouse is configured by its own
            // file, and the watch covers the configuration's whole directory, the default data directory in it, so that
            // every audit commit woke a thread to stat files nobody reads.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = Path.GetDirectoryName(config.ConfigPath),
            // The console's files ship beside the program, not beside the configuration.
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        // Run from a build (dotnet run), the console's files are where the build left them, in any environment.
        builder.WebHost.UseStaticWebAssets();
        builder.Logging.ConfigureGatehouseLogging();
        GatewayListeners.Configure(builder.WebHost, listen ?? config.Listen, config.Console.Listen);
        builder.Services.AddGatehouseRelay(config);
        builder.Services.AddGatehouseIdleSessionReaper();
        builder.Services.AddGatehouseProcessPools();
        builder.Services.AddGatehousePolicyDecisions();
        builder.Services.AddGatehouseApprovalExpiry();
        builder.Services.AddGatehouseAuthentication(config);
        builder.Services.AddGatehouseState(config);
        builder.Services.AddGatehouseOAuth(config);
        builder.Services.AddGatehouseTelemetry(config.Telemetry);
        builder.Services.AddGatehouseAdmin();
        builder.Services.AddGatehouseConsole(console =>
        {
            console.Listen = config.Console.Listen;
            if (config.Console.Oidc is { } oidc && config.Auth.Jwt is { } jwt)
            {
                console.Provider = new ConsoleProviderOptions
                {
                    Issuer = jwt.Issuer,
                    ClientId = oidc.ClientId,
                    ClientSecret = oidc.ClientSecret,
                    IdentityClaim = jwt.IdentityClaim,
                    RolesClaim = jwt.RolesClaim,
                    DisplayName = oidc.DisplayName,
                };
                console.Provider.Scopes.Clear();
                foreach (var scope in oidc.Scopes)
                {
                    console.Provider.Scopes.Add(scope);
                }
            }
        });
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        // Loaded now, so that a policy that does not compile stops Gatehouse before it listens.
        app.Services.GetRequiredService<GrantPolicies>();
        // On its own address the console alone answers; nothing there, not even a sign-in, reaches the gateway's endpoints.
        app.UseGatehouseConsoleAddress();
        // Probes of orchestrators address the pod by IP, so health (and the scrape) answers whatever the Host.
        app.UseWhen(IsNotHealthProbe, guarded => guarded.UseGatehouseLoopbackGuard());
        // Here rather than first, where the host would put them: after the address and the Host header are checked.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseGatehouseAuthentication();
        // The console's forms (sign-in, sign-out, every change) carry a token only its own pages can have.
        app.UseGatehouseConsole();
        if (config.OAuth.Enabled)
        {
            app.UseGatehouseOAuth();
        }

        app.MapGatehouseAuthenticationMetadata();
        if (config.OAuth.Enabled)
        {
            app.MapGatehouseOAuth();
        }

        app.MapGatehouseAdmin();
        app.MapGatehouseApprovals();
        app.MapGatehouseRelay();
        app.MapGatehouseConsole(Path.Combine(AppContext.BaseDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.endpoints.json"));
        app.MapGatehouseTelemetry(config.Telemetry);
        WarnAboutAnonymousAccess(app, config, listen ?? config.Listen);
        return app;
    }

    /// <summary>Logs to standard error only: standard output may carry the MCP protocol (<c>gatehouse stdio</c>).</summary>
    public static ILoggingBuilder ConfigureGatehouseLogging(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("ModelContextProtocol", LogLevel.Warning);
        logging.AddFilter("OpenIddict", LogLevel.Warning);
        return logging;
    }

    private static bool IsNotHealthProbe(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/healthz") && !context.Request.Path.StartsWithSegments("/readyz")
        && !context.Request.Path.StartsWithSegments(TelemetryServices.ScrapePath);

    private static void WarnAboutAnonymousAccess(WebApplication app, GatehouseConfig config, string listen)
    {
        if (config.Auth.Anonymous is { } anonymous && !ListenAddress.IsLoopback(listen))
        {
            LogAnonymousOnNetwork(app.Logger, anonymous, listen);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "auth.anonymous is set to '{Identity}' while Gatehouse listens on {Listen}, which is not a loopback address: anyone who can reach it acts as that identity.")]
    private static partial void LogAnonymousOnNetwork(ILogger logger, string identity, string listen);
}
