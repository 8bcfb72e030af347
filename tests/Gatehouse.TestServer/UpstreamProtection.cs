using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;

namespace Gatehouse.TestServer;

/// <summary>
/// The test server as an MCP server that requires OAuth: bearer tokens of <see cref="Issuer"/> for <see cref="Audience"/>
/// only, its protected-resource metadata naming that issuer, and every request's token and subject noted in <see cref="Seen"/>.
/// </summary>
public sealed class UpstreamProtection(Uri issuer, string audience)
{
    public Uri Issuer { get; } = issuer;

    public string Audience { get; } = audience;

    /// <summary>
    /// Each request that reached the server: the bearer token it carried (or empty), whose it was when it was accepted, and
    /// the MCP revision it named (its <c>MCP-Protocol-Version</c> header; empty before a session's initialize is answered).
    /// </summary>
    public ConcurrentQueue<(string Token, string? Subject, string Version)> Seen { get; } = new();

    internal void AddServices(IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultAuthenticateScheme = JwtBearerDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme;
            })
            .AddJwtBearer(options =>
            {
                options.Authority = Issuer.AbsoluteUri;
                options.Audience = Audience;
                options.RequireHttpsMetadata = false;
                options.MapInboundClaims = false;
                options.TokenValidationParameters.NameClaimType = "sub";
            })
            .AddMcp(options => options.ResourceMetadata = new ProtectedResourceMetadata
            {
                AuthorizationServers = [Issuer.AbsoluteUri],
                ScopesSupported = ["openid", "offline_access"],
            });
        services.AddAuthorization();
    }

    internal void Use(WebApplication app)
    {
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            Seen.Enqueue((header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : header,
                context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null,
                context.Request.Headers["MCP-Protocol-Version"].ToString()));
            await next(context);
        });
        app.UseAuthorization();
    }
}
