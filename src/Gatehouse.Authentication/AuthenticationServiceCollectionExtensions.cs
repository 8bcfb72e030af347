using System.Text;
using Gatehouse.Configuration;
using Gatehouse.Relay;
using Gatehouse.Store;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Authentication;

/// <summary>Registers and maps authentication the ASP.NET Core way.</summary>
public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>The scheme of bearer JWTs.</summary>
    public const string JwtScheme = JwtBearerDefaults.AuthenticationScheme;

    // Published signing keys are fetched again on this schedule, so that keys a provider withdraws stop being accepted.
    private static readonly TimeSpan s_keysRefresh = TimeSpan.FromMinutes(10);

    // A token that names a key not in hand (one the provider just rotated in) has them fetched at once, but no more
    // often than this, so that tokens with made-up key ids cannot make Gatehouse hammer the provider.
    private static readonly TimeSpan s_unknownKeyRefetch = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Checks API keys against the store (SQLite in the data directory, or PostgreSQL), and bearer JWTs with
    /// ASP.NET Core's handler when <c>auth.jwt</c> is configured.
    /// </summary>
    public static IServiceCollection AddGatehouseAuthentication(this IServiceCollection services, GatehouseConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IScopeCheck, NoScopesRequired>();
        services.AddGatehouseStore(options =>
        {
            options.DataDir = config.DataDir;
            options.PostgresConnectionString = config.Store.Postgres;
        });
        var authentication = services.AddAuthentication();
        if (config.Auth.Jwt is { } jwt)
        {
            authentication.AddJwtBearer(JwtScheme, options =>
            {
                // Claims keep the names the provider gave them, so identityClaim and rolesClaim mean what they say.
                options.MapInboundClaims = false;
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Issuer,
                    ValidAudience = jwt.Audience,
                    NameClaimType = jwt.IdentityClaim,
                    RoleClaimType = jwt.RolesClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                if (jwt.SigningKey is { } secret)
                {
                    options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret));
                }
                else if (jwt.JwksUrl is null)
                {
                    options.Authority = jwt.Issuer;
                    options.RequireHttpsMetadata = jwt.Issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                    options.AutomaticRefreshInterval = s_keysRefresh;
                    options.RefreshInterval = s_unknownKeyRefetch;
                }

                options.RefreshOnIssuerKeyNotFound = true;
            });
            if (jwt.SigningKey is null && jwt.JwksUrl is { } jwksUrl)
            {
                services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<ILogger<JwksRetriever>>((options, logger) =>
                    options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(jwksUrl.AbsoluteUri, new JwksRetriever(logger),
                        new HttpDocumentRetriever { RequireHttps = jwksUrl.Scheme == Uri.UriSchemeHttps })
                    {
                        AutomaticRefreshInterval = s_keysRefresh,
                        RefreshInterval = s_unknownKeyRefetch,
                        // A key the provider withdraws is refused from the next fetch on, not kept for an hour as the
                        // last configuration that validated a token.
                        UseLastKnownGoodConfiguration = false,
                    });
            }
        }

        return services;
    }

    /// <summary>
    /// Authenticates every request to <c>/mcp</c> and <c>/admin</c>: a valid bearer token, or no credentials where
    /// <c>auth.anonymous</c> is set; anything else gets 401 pointing at the protected-resource metadata.
    /// </summary>
    public static IApplicationBuilder UseGatehouseAuthentication(this IApplicationBuilder app) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/mcp") || context.Request.Path.StartsWithSegments("/admin"),
            guarded => guarded.UseMiddleware<CallerAuthenticationMiddleware>());

    /// <summary>Maps the OAuth 2.0 protected-resource metadata documents MCP's authorization spec describes.</summary>
    public static IEndpointRouteBuilder MapGatehouseAuthenticationMetadata(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet($"{ProtectedResourceMetadata.PathPrefix}/mcp/{{server}}", (HttpContext context, string server, GatehouseConfig config, IScopeCheck scopes) =>
            config.McpServers.ContainsKey(server)
                ? Results.Json(ProtectedResourceMetadata.For(context, server, config, scopes))
                : Results.NotFound());
        endpoints.MapGet(ProtectedResourceMetadata.PathPrefix, (HttpContext context, GatehouseConfig config, IScopeCheck scopes) =>
            Results.Json(ProtectedResourceMetadata.For(context, server: null, config, scopes)));
        return endpoints;
    }
}
