using System.Security.Claims;
using Gatehouse.Configuration;
using Gatehouse.OAuth;
using Gatehouse.Relay;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Gatehouse.Authentication;

/// <summary>
/// Access tokens Gatehouse's own authorization server issued (<c>oauth</c>): valid, not revoked, and for the very
/// endpoint the request is to. The token's subject is the caller's identity, and its claims select grants as a JWT's do.
/// </summary>
internal static class OwnTokens
{
    /// <summary>How an access token Gatehouse issued authenticates.</summary>
    public const string OAuth = "oauth";

    /// <summary>
    /// The caller, or a refusal of a token Gatehouse issued for somewhere else; null when the credential is none of
    /// Gatehouse's tokens (a JWT of the provider's, say), which the next check may accept.
    /// </summary>
    public static async Task<OwnTokenResult?> AuthenticateAsync(HttpContext context, GatehouseConfig config)
    {
        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        if (!result.Succeeded || result.Principal is not { } token)
        {
            return null;
        }

        var segments = context.Request.Path.Value!.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is not ["mcp", var server, ..])
        {
            return new OwnTokenResult(null, "A token Gatehouse issued is good for one MCP endpoint only, not for the admin API.");
        }

        var requestBase = new Uri($"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/");
        var resource = OAuthResources.For(OAuthResources.BaseOf(config.OAuth.Issuer, requestBase), Uri.UnescapeDataString(server)).AbsoluteUri;
        if (!token.GetAudiences().Contains(resource, StringComparer.Ordinal))
        {
            return new OwnTokenResult(null, $"The token is for another endpoint, not {resource}.");
        }

        var subject = token.GetClaim(OpenIddictConstants.Claims.Subject);
        if (string.IsNullOrEmpty(subject))
        {
            return new OwnTokenResult(null, "The token names no one.");
        }

        // Roles never come with such a token: it opens one MCP endpoint, never the admin API or the approval queue.
        var claims = token.Claims.Where(c => c.Type is not (ClaimTypes.Name or ClaimTypes.Role) && !c.Type.StartsWith("oi_", StringComparison.Ordinal));
        var identity = new ClaimsIdentity(claims, OAuth, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, subject));
        CallerScopes.Limit(identity, token.GetScopes());
        return new OwnTokenResult(new ClaimsPrincipal(identity), null);
    }
}

/// <summary>The caller a token Gatehouse issued names, or why it is refused here.</summary>
internal sealed record OwnTokenResult(ClaimsPrincipal? Principal, string? Refusal);
