using System.Collections.Immutable;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Gatehouse.TestIdentityProvider;

/// <summary>
/// The provider's protocol settings and its pages. OpenIddict runs in its degraded mode (no database): the few checks a
/// store would make (is the client known, is the redirect URI registered, is the secret right) are made here, against
/// <see cref="IdentityProviderOptions"/>; codes and refresh tokens are self-contained, encrypted tokens.
/// </summary>
internal static class ProviderEndpoints
{
    public const string LoginPath = "/login";

    private const string RegisterPath = "/connect/register";

    /// <summary>The claim that carries a user's roles, as Gatehouse's <c>auth.jwt.rolesClaim</c> reads it by default.</summary>
    private const string RolesClaim = "roles";

    public static void Configure(OpenIddictServerBuilder server)
    {
        server.SetAuthorizationEndpointUris("connect/authorize")
            .SetTokenEndpointUris("connect/token")
            .SetEndSessionEndpointUris("connect/endsession");
        server.AllowAuthorizationCodeFlow().AllowRefreshTokenFlow().RequireProofKeyForCodeExchange();
        // And one an upstream may ask more of than a person first allowed (a step-up).
        server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Roles, Scopes.OfflineAccess, IdentityProviderOptions.StepUpScope);
        // Access tokens stay readable JWTs, as a resource server (the gateway) validates them with the published keys.
        server.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
        server.EnableDegradedMode().DisableTokenStorage();
        // MCP clients (Gatehouse as the client of an upstream among them) name the server they want a token for (RFC 8707);
        // the provider has no list of resources, and its tokens are for its one audience whatever is named.
        server.DisableResourceValidation();
        server.UseAspNetCore()
            .EnableAuthorizationEndpointPassthrough()
            .EnableEndSessionEndpointPassthrough()
            // Tests run it on http://127.0.0.1.
            .DisableTransportSecurityRequirement();
        server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
        {
            var client = ClientOf(context.Transaction, context.ClientId);
            if (client is null || !client.RedirectUris.Any(uri => uri.AbsoluteUri == context.RedirectUri))
            {
                context.Reject(Errors.InvalidClient, "Unknown client, or a redirect URI it did not register.");
            }

            return default;
        }));
        server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
        {
            OptionsOf(context.Transaction).TokenRequests.Enqueue((context.Request.GrantType ?? "", context.Request.RefreshToken));
            var client = ClientOf(context.Transaction, context.ClientId);
            if (client is null || (client.Secret is { } secret && secret != context.ClientSecret))
            {
                context.Reject(Errors.InvalidClient, "Unknown client, or the wrong secret.");
            }

            return default;
        }));
        server.AddEventHandler<HandleConfigurationRequestContext>(handler => handler.UseInlineHandler(context =>
        {
            if (OptionsOf(context.Transaction).DynamicRegistration && context.Transaction.GetHttpRequest() is { } request)
            {
                context.Metadata["registration_endpoint"] = $"{request.Scheme}://{request.Host}{RegisterPath}";
            }

            return default;
        }));
        server.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
        {
            var clients = OptionsOf(context.Transaction).Clients.Values;
            if (context.PostLogoutRedirectUri is { } uri && !clients.Any(client => client.PostLogoutRedirectUris.Any(registered => registered.AbsoluteUri == uri)))
            {
                context.Reject(Errors.InvalidRequest, "A post-logout redirect URI no client registered.");
            }

            return default;
        }));
    }

    public static void Map(WebApplication app)
    {
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync);
        app.MapMethods("/connect/endsession", [HttpMethods.Get, HttpMethods.Post], async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            // OpenIddict sends the browser on to the client's post_logout_redirect_uri.
            return Results.SignOut(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        });
        app.MapPost(RegisterPath, RegisterAsync);
        app.MapGet(LoginPath, (string? returnUrl) => LoginForm(returnUrl ?? "/", error: null));
        app.MapPost(LoginPath, async (HttpContext context, IdentityProviderOptions options) =>
        {
            var form = await context.Request.ReadFormAsync();
            var name = form["username"].ToString().Trim();
            var returnUrl = form["returnUrl"].ToString();
            if (!options.Users.ContainsKey(name))
            {
                return LoginForm(returnUrl, $"No user '{name}' here.");
            }

            options.Logins.Enqueue(name);
            var signedInAt = (DateTimeOffset.UtcNow + options.LoginTimeShift).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(Claims.Subject, name), new Claim(Claims.AuthenticationTime, signedInAt, ClaimValueTypes.Integer64)],
                CookieAuthenticationDefaults.AuthenticationScheme)));
            // Only back into this provider: the form is not a way to send a browser anywhere.
            return Results.Redirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        });
    }

    /// <summary>Dynamic client registration (RFC 7591), when the options allow it: a confidential client with the redirect URIs asked for.</summary>
    private static async Task<IResult> RegisterAsync(HttpContext context, IdentityProviderOptions options)
    {
        if (!options.DynamicRegistration)
        {
            return Results.NotFound();
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        List<Uri> redirects = body.RootElement.TryGetProperty("redirect_uris", out var uris) && uris.ValueKind == JsonValueKind.Array
            ? [.. uris.EnumerateArray().Select(uri => new Uri(uri.GetString() ?? ""))]
            : [];
        var client = new ProviderClient($"registered-{Guid.NewGuid():N}", Guid.NewGuid().ToString("N"), redirects, []);
        options.Clients[client.ClientId] = client;
        return Results.Json(new Dictionary<string, object?>
        {
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.Secret,
            ["redirect_uris"] = redirects.Select(uri => uri.AbsoluteUri).ToArray(),
            ["token_endpoint_auth_method"] = "client_secret_post",
        }, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>Asks for a user name first; then signs the user in to the client that asked, with their roles.</summary>
    private static async Task<IResult> AuthorizeAsync(HttpContext context, IdentityProviderOptions options)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        // prompt=login or max_age=0 asks the person to log in again, session or not (unless the test makes a provider that does not).
        var again = !options.IgnoresLoginPrompt && (request.HasPromptValue(PromptValues.Login) || request.MaxAge == 0);
        if (again || session.Principal?.FindFirst(Claims.Subject)?.Value is not { } name || !options.Users.TryGetValue(name, out var roles))
        {
            // Back without prompt and max_age, as providers do: the login just made answers them, and asking again would never end.
            var parameters = (context.Request.HasFormContentType ? [.. context.Request.Form] : context.Request.Query.ToList())
                .Where(p => p.Key is not (Parameters.Prompt or Parameters.MaxAge));
            return Results.Challenge(new AuthenticationProperties { RedirectUri = context.Request.Path + QueryString.Create(parameters) },
                [CookieAuthenticationDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, RolesClaim);
        identity.SetClaim(Claims.Subject, name).SetClaim(Claims.Name, name).SetClaims(RolesClaim, [.. roles]);
        if (session.Principal.FindFirst(Claims.AuthenticationTime) is { } authenticatedAt)
        {
            identity.AddClaim(new Claim(Claims.AuthenticationTime, authenticatedAt.Value, ClaimValueTypes.Integer64));
        }

        identity.SetScopes(request.GetScopes());
        identity.SetResources(options.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult LoginForm(string returnUrl, string? error) => Results.Content($$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
        <body style="font-family: sans-serif; max-width: 24rem; margin: 4rem auto">
          <h1>Test identity provider</h1>
          {{(error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}}
          <form method="post" action="{{LoginPath}}">
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl)}}">
            <label for="username">User name</label>
            <input id="username" name="username" autofocus>
            <button type="submit">Log in</button>
          </form>
        </body></html>
        """, "text/html");

    private static IdentityProviderOptions OptionsOf(OpenIddictServerTransaction transaction) =>
        transaction.GetHttpRequest()!.HttpContext.RequestServices.GetRequiredService<IdentityProviderOptions>();

    private static ProviderClient? ClientOf(OpenIddictServerTransaction transaction, string? clientId) =>
        clientId is not null && OptionsOf(transaction).Clients.TryGetValue(clientId, out var client) ? client : null;
}
