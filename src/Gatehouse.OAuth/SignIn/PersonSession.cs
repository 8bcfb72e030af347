using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// Who a browser at the authorization endpoint is, once they signed in there: a cookie of its own, apart from the
/// console's (signing in for an MCP client does not open the console, nor the other way round), good under
/// <c>/oauth</c> only and for <see cref="Lifetime"/>.
/// </summary>
internal static class PersonSession
{
    public const string Scheme = "gatehouse-oauth-person";

    /// <summary>
    /// How long a sign-in at the authorization endpoint holds: long enough for a person to connect a few clients in a row,
    /// short enough that the provider is asked again the next day (a person it no longer knows stops getting tokens).
    /// </summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>The principal of a session for <paramref name="identity"/>, with the claims that select grants.</summary>
    public static ClaimsPrincipal PrincipalFor(string identity, IEnumerable<Claim> claims)
    {
        var principal = new ClaimsIdentity(Scheme, ClaimTypes.Name, ClaimTypes.Role);
        principal.AddClaim(new Claim(ClaimTypes.Name, identity));
        principal.AddClaims(claims.Where(c => c.Type != ClaimTypes.Name).Select(c => new Claim(c.Type, c.Value, c.ValueType)));
        return new ClaimsPrincipal(principal);
    }

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "gatehouse-oauth";
        options.Cookie.Path = "/oauth";
        options.Cookie.HttpOnly = true;
        // Lax: the browser comes back from the provider's site with a top-level GET, which must carry it; a cross-site
        // form post (the consent form of another site) does not.
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = Lifetime;
        options.SlidingExpiration = false;
        // Nothing redirects here by itself: the sign-in decides where a browser without a session goes.
        options.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
    }
}
