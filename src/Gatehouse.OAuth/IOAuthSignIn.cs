using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.OAuth;

/// <summary>
/// The step of the authorization endpoint where a person proves who they are and agrees to let a client act for them.
/// Gatehouse has checked the request first (client, redirect URI, PKCE, resource); the sign-in decides only who the
/// person is, or answers the browser itself (a sign-in page, a consent page) and is asked again when it comes back.
/// </summary>
public interface IOAuthSignIn
{
    /// <summary>Signs in the person at the browser for <paramref name="request"/>.</summary>
    Task<OAuthSignInResult> SignInAsync(HttpContext context, OAuthSignInRequest request, CancellationToken cancellationToken);
}

/// <summary>What a client asks a person to allow.</summary>
/// <param name="ClientId">The client.</param>
/// <param name="ClientName">Its display name, when it has one.</param>
/// <param name="Server">The server whose endpoint the token will be good for.</param>
/// <param name="Resource">That endpoint's URL, the token's audience.</param>
/// <param name="Scopes">The scopes asked for.</param>
public sealed record OAuthSignInRequest(string ClientId, string? ClientName, string Server, Uri Resource, IReadOnlyList<string> Scopes);

/// <summary>The outcome of <see cref="IOAuthSignIn.SignInAsync"/>.</summary>
public abstract record OAuthSignInResult
{
    private OAuthSignInResult()
    {
    }

    /// <summary>
    /// The person signed in as <paramref name="Identity"/>, the token's subject; <paramref name="Claims"/> go into the token
    /// too (groups, roles) so that grants select them as they select a JWT's. <paramref name="AuthorizationId"/> names the
    /// consent the person gave, which the tokens then belong to (revoked with it); null lets each code have its own.
    /// </summary>
    public sealed record SignedIn(string Identity, IReadOnlyList<Claim> Claims, string? AuthorizationId = null) : OAuthSignInResult;

    /// <summary>The sign-in answered the browser itself (sent it to sign in, showed a consent page).</summary>
    public sealed record Answered : OAuthSignInResult;

    /// <summary>
    /// No one signed in: the client is told <paramref name="Error"/> (<c>access_denied</c>, or <c>login_required</c> and
    /// <c>consent_required</c> for a request that allowed no page), with <paramref name="Reason"/>.
    /// </summary>
    public sealed record Refused(string Reason, string Error = "access_denied") : OAuthSignInResult;
}

/// <summary>
/// The sign-in Gatehouse has until one is configured: it refuses everyone, saying why. No token is issued without a
/// person having signed in.
/// </summary>
internal sealed class NoOAuthSignIn : IOAuthSignIn
{
    public Task<OAuthSignInResult> SignInAsync(HttpContext context, OAuthSignInRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<OAuthSignInResult>(new OAuthSignInResult.Refused(
            "Gatehouse has no way for people to sign in configured yet, so it issues no tokens."));
}
