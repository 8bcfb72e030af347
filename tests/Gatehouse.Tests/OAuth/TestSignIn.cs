using System.Security.Claims;
using Gatehouse.OAuth;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// A sign-in for tests only, standing for a person who has signed in (the real one, through the operator's provider and
/// a consent page, is a later step): everyone at the browser is <see cref="Person"/>, of the group <c>marketing</c>.
/// </summary>
internal sealed class TestSignIn : IOAuthSignIn
{
    public const string Person = "alice";

    public Task<OAuthSignInResult> SignInAsync(HttpContext context, OAuthSignInRequest request, CancellationToken cancellationToken) =>
        Task.FromResult<OAuthSignInResult>(new OAuthSignInResult.SignedIn(Person, [new Claim("groups", "marketing")]));
}
