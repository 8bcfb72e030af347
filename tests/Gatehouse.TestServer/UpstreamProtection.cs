using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using ModelContextProtocol.AspNetCore.Authentication;
using ModelContextProtocol.Authentication;

namespace Gatehouse.TestServer;

/// <summary>
/// The test server as an MCP server that requires OAuth: bearer tokens of <see cref="Issuer"/> for <see cref="Audience"/>
/// only, its protected-resource metadata naming that issuer, and every request's token and subject noted in <see cref="Seen"/>.
/// With <paramref name="nextIssuer"/>, it can move to that authorization server (<see cref="Moved"/>).
/// </summary>
public sealed class UpstreamProtection(Uri issuer, string audience, Uri? nextIssuer = null)
{
    private const string NextScheme = "next";

    public Uri Issuer { get; } = issuer;

    public string Audience { get; } = audience;

    /// <summary>
    /// Once set, the server has moved to the next authorization server: its metadata names that one, and tokens of the first
    /// are refused as if invalid.
    /// </summary>
    public bool Moved { get; set; }

    /// <summary>
    /// A scope <c>tools/call</c> needs besides a valid token: a call without it is answered <c>403 insufficient_scope</c>
    /// naming it, as a server does that asks for more than a person first allowed (a step-up). Null: none.
    /// </summary>
    public string? CallScope { get; set; }

    /// <summary>
    /// Each request that reached the server: the bearer token it carried (or empty), whose it was when it was accepted, and
    /// the MCP revision it named (its <c>MCP-Protocol-Version</c> header; empty before a session's initialize is answered).
    /// </summary>
    public ConcurrentQueue<(string Token, string? Subject, string Version)> Seen { get; } = new();

    private Uri AuthorizationServer => Moved && nextIssuer is not null ? nextIssuer : Issuer;

    internal void AddServices(IServiceCollection services)
    {
        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultAuthenticateScheme = JwtBearerDefaults.AuthenticationScheme;
                options.DefaultChallengeScheme = McpAuthenticationDefaults.AuthenticationScheme;
            })
            .AddJwtBearer(options => Validate(options, Issuer, valid: () => !Moved))
            .AddMcp(options =>
            {
                options.ResourceMetadata = new ProtectedResourceMetadata { AuthorizationServers = [Issuer.AbsoluteUri], ScopesSupported = ["openid", "offline_access"] };
                options.Events.OnResourceMetadataRequest = context =>
                {
                    context.ResourceMetadata = new ProtectedResourceMetadata
                    {
                        AuthorizationServers = [AuthorizationServer.AbsoluteUri],
                        ScopesSupported = ["openid", "offline_access"],
                    };
                    return Task.CompletedTask;
                };
            });
        if (nextIssuer is not null)
        {
            authentication.AddJwtBearer(NextScheme, options => Validate(options, nextIssuer, valid: () => Moved));
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                options.ForwardDefaultSelector = context => IssuerOf(context.Request.Headers.Authorization.ToString()) == nextIssuer.AbsoluteUri ? NextScheme : null);
        }

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
            if (CallScope is { } scope && context.User.Identity?.IsAuthenticated == true && !Scopes(context.User).Contains(scope) &&
                await IsToolCallAsync(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.Headers.WWWAuthenticate = $"Bearer error=\"insufficient_scope\", scope=\"{scope}\"";
                return;
            }

            await next(context);
        });
        app.UseAuthorization();
    }

    private void Validate(JwtBearerOptions options, Uri authority, Func<bool> valid)
    {
        options.Authority = authority.AbsoluteUri;
        options.Audience = Audience;
        options.RequireHttpsMetadata = false;
        options.MapInboundClaims = false;
        options.TokenValidationParameters.NameClaimType = "sub";
        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (!valid())
                {
                    context.Fail("The server has moved to another authorization server.");
                }

                return Task.CompletedTask;
            },
        };
    }

    private static string? IssuerOf(string authorization)
    {
        var handler = new JsonWebTokenHandler();
        var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : "";
        return handler.CanReadToken(token) ? handler.ReadJsonWebToken(token).Issuer : null;
    }

    private static HashSet<string> Scopes(System.Security.Claims.ClaimsPrincipal user) =>
        [.. user.FindAll("scope").SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    private static async Task<bool> IsToolCallAsync(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return false;
        }

        request.EnableBuffering();
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("method", out var method) &&
                method.ValueEquals("tools/call");
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
