using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gatehouse.OAuth;

/// <summary>
/// How Gatehouse signs people in at the operator's OpenID Connect provider, for the console and for the authorization
/// endpoint alike: the authorization code flow with PKCE, the code back on a GET, claims as the provider names them.
/// </summary>
public static class OpenIdConnectCodeFlow
{
    /// <summary>Sets <paramref name="options"/> for the provider at <paramref name="issuer"/>, its code coming back to <paramref name="callbackPath"/>.</summary>
    public static void Configure(OpenIdConnectOptions options, string issuer, string clientId, string? clientSecret, IEnumerable<string> scopes,
        PathString callbackPath)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(scopes);
        options.Authority = issuer;
        // The configuration refuses an http:// issuer that is not on loopback.
        options.RequireHttpsMetadata = issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
        options.ClientId = clientId;
        options.ClientSecret = clientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.UsePkce = true;
        // The code comes back on a top-level GET, which carries the SameSite=Lax correlation and nonce cookies; a
        // cross-site form post (the default) would carry them only as SameSite=None, which needs HTTPS.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.CallbackPath = callbackPath;
        // No front-channel sign-out from the provider: the handler's default path would let any page end a session with a GET.
        options.RemoteSignOutPath = PathString.Empty;
        options.Scope.Clear();
        foreach (var scope in scopes)
        {
            options.Scope.Add(scope);
        }

        options.MapInboundClaims = false;
    }
}
