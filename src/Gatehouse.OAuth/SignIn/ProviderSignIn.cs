using System.Collections.Immutable;
using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// People sign in at the authorization endpoint with the operator's OpenID Connect provider, registered as the console
/// is (the same client, a redirect URI of its own): the authorization code flow with PKCE, then a <see cref="PersonSession"/>
/// whose identity is the id token's <see cref="OAuthProviderSignIn.IdentityClaim"/> and whose other claims select grants
/// as a JWT's do.
/// </summary>
internal static partial class ProviderSignIn
{
    public const string Scheme = "gatehouse-oauth-provider";

    /// <summary>The redirect URI to register at the provider (after Gatehouse's address).</summary>
    public const string CallbackPath = "/oauth/signin-oidc";

    // The protocol's own claims: they say how the id token was issued, not who the person is.
    private static readonly ImmutableHashSet<string> s_protocol = ImmutableHashSet.Create(StringComparer.Ordinal,
        "iss", "aud", "exp", "iat", "nbf", "nonce", "at_hash", "c_hash", "auth_time", "sid", "azp", "jti", "oi_au_id", "oi_tkn_id");

    public static void Add(AuthenticationBuilder authentication, OAuthProviderSignIn provider) =>
        authentication.AddOpenIdConnect(Scheme, options =>
        {
            options.SignInScheme = PersonSession.Scheme;
            OpenIdConnectCodeFlow.Configure(options, provider.Issuer, provider.ClientId, provider.ClientSecret,
                provider.Scopes.Append("openid").Distinct(StringComparer.Ordinal), CallbackPath);
            // No sign-out from the provider's side: nothing here to end but a short session.
            options.SignedOutCallbackPath = PathString.Empty;
            options.SaveTokens = false;
            options.Events.OnTokenValidated = context => SignedInAsync(context, provider);
            options.Events.OnRemoteFailure = FailedAsync;
        });

    /// <summary>Sends the browser to the provider, to come back to <paramref name="returnUrl"/> (the authorization request) signed in.</summary>
    public static Task ChallengeAsync(HttpContext context, string returnUrl) =>
        context.ChallengeAsync(Scheme, new AuthenticationProperties { RedirectUri = returnUrl });

    private static Task SignedInAsync(TokenValidatedContext context, OAuthProviderSignIn provider)
    {
        var claims = context.Principal!;
        if (claims.FindFirst(provider.IdentityClaim)?.Value is not { Length: > 0 } identity)
        {
            LogNoIdentity(Logger(context.HttpContext), provider.IdentityClaim);
            context.HandleResponse();
            return ErrorPage.WriteAsync(context.Response, StatusCodes.Status403Forbidden, "Your provider did not say who you are",
                $"The sign-in succeeded, but the provider's id token has no '{provider.IdentityClaim}' claim, which names people here. Ask the operator.");
        }

        context.Principal = PersonSession.PrincipalFor(identity, claims.Claims.Where(c => !s_protocol.Contains(c.Type)));
        // Only back to the authorization endpoint: the return URL came through the provider inside protected state, but the
        // session must never be a way to send a browser elsewhere.
        if (context.Properties?.RedirectUri is not { } back || !back.StartsWith(context.Request.PathBase + OAuthPaths.Authorization + "?", StringComparison.Ordinal))
        {
            context.Properties!.RedirectUri = context.Request.PathBase + OAuthPaths.Authorization;
        }

        return Task.CompletedTask;
    }

    private static Task FailedAsync(RemoteFailureContext context)
    {
        LogRefused(Logger(context.HttpContext), context.Failure);
        context.HandleResponse();
        return ErrorPage.WriteAsync(context.Response, StatusCodes.Status403Forbidden, "Signing in failed",
            "The provider did not sign you in, or its answer could not be checked. Go back to the application and try again.");
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ProviderSignIn));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sign-in with the OpenID Connect provider at the authorization endpoint failed.")]
    private static partial void LogRefused(ILogger logger, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The OpenID Connect provider signed someone in without a '{Claim}' claim (auth.jwt.identityClaim); refused.")]
    private static partial void LogNoIdentity(ILogger logger, string claim);
}

/// <summary>A plain page that says what went wrong, for the browser of a person signing in.</summary>
internal static class ErrorPage
{
    public static Task WriteAsync(HttpResponse response, int status, string title, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(Html.Page(title, $"<h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(message)}</p>"));
    }
}
