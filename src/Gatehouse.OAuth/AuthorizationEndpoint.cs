using System.Collections.Immutable;
using System.Security.Claims;
using Gatehouse.OAuth.SignIn;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth;

/// <summary>
/// The authorization endpoint once OpenIddict has checked the request (client, redirect URI, PKCE, the one resource) and
/// Gatehouse its scopes: the sign-in says who the person is, and the code issued carries them as its subject and the server's endpoint as its resource.
/// </summary>
internal static class AuthorizationEndpoint
{
    // Claims a sign-in may not set: they are the token's own, and one taken from a person's provider could forge them.
    private static readonly ImmutableHashSet<string> s_reserved = ImmutableHashSet.Create(StringComparer.Ordinal,
        Claims.Subject, Claims.Name, Claims.Audience, Claims.Issuer, Claims.ExpiresAt, Claims.IssuedAt, Claims.NotBefore, Claims.JwtId,
        Claims.Scope, Claims.ClientId, Claims.AuthorizedParty, ClaimTypes.Name, ClaimTypes.NameIdentifier);

    public static async Task<IResult> HandleAsync(HttpContext context, IOAuthSignIn signIn, IOpenIddictApplicationManager applications,
        IOAuthGrants grants, IOptions<OAuthServerOptions> options)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The authorization endpoint was reached without an OpenIddict request.");
        var resource = request.GetResources().Single();
        var baseUri = OAuthResources.BaseOf(options.Value.Issuer, new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/"));
        var server = OAuthResources.ServerOf(resource, baseUri, options.Value.Servers, out _)
            ?? throw new InvalidOperationException("The resource was checked before the authorization endpoint was reached.");
        // Only the server's own scopes (and offline_access): a token never carries a scope Gatehouse would not know what to do
        // with. Checked here, once OpenIddict has checked the redirect URI, so that the client hears of it there (RFC 6749 §4.1.2.1).
        if (UnknownScopes(request.GetScopes(), grants.ScopesOf(server)) is { } unknown)
        {
            return Refuse(Errors.InvalidScope, unknown);
        }

        var application = await applications.FindByClientIdAsync(request.ClientId!, context.RequestAborted);
        var clientName = application is null ? null : await applications.GetDisplayNameAsync(application, context.RequestAborted);

        var outcome = await signIn.SignInAsync(context,
            new OAuthSignInRequest(request.ClientId!, clientName, server, new Uri(resource), [.. request.GetScopes()]), context.RequestAborted);
        return outcome switch
        {
            OAuthSignInResult.SignedIn person => Results.SignIn(Principal(person, resource, request.GetScopes()), properties: null,
                OpenIddictServerAspNetCoreDefaults.AuthenticationScheme),
            OAuthSignInResult.Refused refused => Refuse(refused.Error, refused.Reason),
            _ => Results.Empty,
        };
    }

    private static string? UnknownScopes(IEnumerable<string> asked, IReadOnlyList<string> known)
    {
        var unknown = asked.Where(s => s != Scopes.OfflineAccess && !known.Contains(s, StringComparer.Ordinal)).ToList();
        return unknown.Count == 0 ? null
            : $"This server has no scope {string.Join(", ", unknown.Select(s => $"'{s}'"))}; its scopes are " +
              (known.Count == 0 ? "none" : string.Join(", ", known.Select(s => $"'{s}'"))) + ", and offline_access.";
    }

    private static IResult Refuse(string error, string reason) => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
    {
        [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = reason,
    }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    /// <summary>The claims of a sign-in that its tokens carry: all but the token's own.</summary>
    internal static IEnumerable<Claim> Carried(IEnumerable<Claim> claims) =>
        claims.Where(c => !s_reserved.Contains(c.Type) && !c.Type.StartsWith("oi_", StringComparison.Ordinal));

    private static ClaimsPrincipal Principal(OAuthSignInResult.SignedIn person, string resource, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Identity).SetClaim(Claims.Name, person.Identity);
        foreach (var claim in Carried(person.Claims))
        {
            identity.AddClaim(new Claim(claim.Type, claim.Value, claim.ValueType));
        }

        // Every client gets a refresh token: MCP clients are long-lived and short access tokens need renewing. The scopes
        // asked for are the server's own (checked above) and the person consented to them: all are granted.
        identity.SetScopes([Scopes.OfflineAccess, .. scopes.Where(s => s != Scopes.OfflineAccess)]);
        identity.SetResources(resource);
        if (person.AuthorizationId is { } authorization)
        {
            identity.SetAuthorizationId(authorization);
        }

        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }
}
