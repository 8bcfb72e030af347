using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Security.Claims;
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

    // When a fresh login was asked for (Unix seconds), kept in the protected state that comes back with the answer.
    private const string LoginAskedAt = "gh_login_asked_at";

    private static readonly TimeSpan s_clockSkew = TimeSpan.FromSeconds(30);

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

    /// <summary>
    /// Sends the browser to the provider, to come back to <paramref name="returnUrl"/> (the authorization request) signed
    /// in; with <paramref name="loginAgain"/>, asking it for a fresh login (<c>prompt=login</c>, <c>max_age=0</c>) rather
    /// than its session, and refusing an answer that does not show one.
    /// </summary>
    public static Task ChallengeAsync(HttpContext context, string returnUrl, bool loginAgain = false)
    {
        var properties = new OpenIdConnectChallengeProperties { RedirectUri = returnUrl };
        if (loginAgain)
        {
            properties.Prompt = OpenIdConnectPrompt.Login;
            properties.MaxAge = TimeSpan.Zero;
            properties.Items[LoginAskedAt] = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds()
                .ToString(CultureInfo.InvariantCulture);
        }

        return context.ChallengeAsync(Scheme, properties);
    }

    private static Task SignedInAsync(TokenValidatedContext context, OAuthProviderSignIn provider)
    {
        var claims = context.Principal!;
        if (!LoggedInSinceAsked(context.Properties, claims))
        {
            LogNoFreshLogin(Logger(context.HttpContext));
            context.HandleResponse();
            return ErrorPage.WriteAsync(context.Response, StatusCodes.Status403Forbidden, "Sign in again",
                "The application asked that you sign in again, but your provider answered with an earlier sign-in. Go back to the application and try again.");
        }

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

    /// <summary>
    /// Whether a sign-in that asked for a fresh login got one: the id token's <c>auth_time</c> (which a provider must send
    /// when asked with <c>max_age</c>) no earlier than the request, a few seconds allowed for clocks. Other sign-ins pass.
    /// </summary>
    private static bool LoggedInSinceAsked(AuthenticationProperties? properties, ClaimsPrincipal claims)
    {
        if (properties?.Items.TryGetValue(LoginAskedAt, out var asked) != true)
        {
            return true;
        }

        return long.TryParse(asked, CultureInfo.InvariantCulture, out var askedAt) &&
            long.TryParse(claims.FindFirst("auth_time")?.Value, CultureInfo.InvariantCulture, out var loggedInAt) &&
            loggedInAt >= askedAt - (long)s_clockSkew.TotalSeconds;
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
        Message = "Asked for a fresh login (prompt=login), the OpenID Connect provider answered with an earlier one or without auth_time; refused.")]
    private static partial void LogNoFreshLogin(ILogger logger);

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
