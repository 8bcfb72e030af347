using System.Text;
using Gatehouse.Configuration;
using Gatehouse.Store;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Authentication;

/// <summary>Registers and maps authentication the ASP.NET Core way.</summary>
public static class AuthenticationServiceCollectionExtensions
{
    /// <summary>The scheme of bearer JWTs.</summary>
    public const string JwtScheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>
    /// Checks API keys against the store (SQLite in the data directory, or PostgreSQL), and bearer JWTs with
    /// ASP.NET Core's handler when <c>auth.jwt</c> is configured.
    /// </summary>
    public static IServiceCollection AddGatehouseAuthentication(this IServiceCollection services, GatehouseConfig config)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatehouseStore(options =>
        {
            options.DataDir = config.DataDir;
            options.PostgresConnectionString = config.Store.Postgres;
        });
        var authentication = services.AddAuthentication();
        if (config.Auth.Jwt is { } jwt)
        {
            services.AddHttpClient(nameof(JwksKeys));
            services.AddSingleton<JwksKeys>();
            services.AddHostedService(provider => provider.GetRequiredService<JwksKeys>());
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
                }
            });
            if (jwt.SigningKey is null && jwt.JwksUrl is not null)
            {
                services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<JwksKeys>((options, keys) =>
                    options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.Keys);
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
        endpoints.MapGet($"{ProtectedResourceMetadata.PathPrefix}/mcp/{{server}}", (HttpContext context, string server, GatehouseConfig config) =>
            config.McpServers.ContainsKey(server)
                ? Results.Json(ProtectedResourceMetadata.For(context, server, config.Auth))
                : Results.NotFound());
        endpoints.MapGet(ProtectedResourceMetadata.PathPrefix, (HttpContext context, GatehouseConfig config) =>
            Results.Json(ProtectedResourceMetadata.For(context, server: null, config.Auth)));
        return endpoints;
    }
}
