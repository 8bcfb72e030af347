using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth;

/// <summary>
/// The authorization endpoint once OpenIddict has checked the request (client, redirect URI, PKCE, the one resource):
/// the sign-in says who the person is, and the code issued carries them as its subject and the server's endpoint as its resource.
/// </summary>
internal static class AuthorizationEndpoint
{
    // Claims a sign-in may not set: they are the token's own, and one taken from a person's provider could forge them.
    private static readonly ImmutableHashSet<string> s_reserved = ImmutableHashSet.Create(StringComparer.Ordinal,
        Claims.Subject, Claims.Name, Claims.Audience, Claims.Issuer, Claims.ExpiresAt, Claims.IssuedAt, Claims.NotBefore, Claims.JwtId,
        Claims.Scope, Claims.ClientId, Claims.AuthorizedParty, ClaimTypes.Name, ClaimTypes.NameIdentifier);

    public static async Task<IResult> HandleAsync(HttpContext context, IOAuthSignIn signIn, IOpenIddictApplicationManager applications,
        IOptions<OAuthServerOptions> options)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The authorization endpoint was reached without an OpenIddict request.");
        var resource = request.GetResources().Single();
        var baseUri = OAuthResources.BaseOf(options.Value.Issuer, new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/"));
        var server = OAuthResources.ServerOf(resource, baseUri, options.Value.Servers, out _)
            ?? throw new InvalidOperationException("The resource was checked before the authorization endpoint was reached.");
        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted);
        var clientName = application is null ? null : await applications.GetDisplayNameAsync(application, context.RequestAborted);

        var outcome = await signIn.SignInAsync(context,
            new OAuthSignInRequest(request.ClientId!, clientName, server, new Uri(resource), [.. request.GetScopes()]), context.RequestAborted);
        return outcome switch
        {
            OAuthSignInResult.SignedIn person => Results.SignIn(Principal(person, resource), properties: null,
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme),
            OAuthSignInResult.Refused refused => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = refused.Error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = refused.Reason,
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]),
            _ => Results.Empty,
        };
    }

    /// <summary>The claims of a sign-in that its tokens carry: all but the token's own.</summary>
    internal static IEnumerable<Claim> Carried(IEnumerable<Claim> claims) =>
        claims.Where(c => !s_reserved.Contains(c.Type) && !c.Type.StartsWith("oi_", StringComparison.Ordinal));

    private static ClaimsPrincipal Principal(OAuthSignInResult.SignedIn person, string resource)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Identity).SetClaim(Claims.Name, person.Identity);
        foreach (var claim in Carried(person.Claims))
        {
            identity.AddClaim(new Claim(claim.Type, claim.Value, claim.ValueType));
        }

        // Every client gets a refresh token: MCP clients are long-lived and short access tokens need renewing. Other
        // scopes are not granted yet; a client told fewer scopes than it asked for carries on with those (RFC 6749 §3.3).
        identity.SetScopes(Scopes.OfflineAccess);
        identity.SetResources(resource);
        if (person.AuthorizationId is { } authorization)
        {
            identity.SetAuthorizationId(authorization);
        }

        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }
}
