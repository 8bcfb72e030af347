using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using OpenIddict.Abstractions;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// <c>prompt=login</c> without ending the person's session: the request goes to the sign-in carrying, protected, when the
/// login was asked for and which request asked it; it comes back still saying <c>prompt=login</c>, and is let through
/// only with a session signed in since. Any site can send a browser a <c>prompt=login</c> link, so one abandoned (or
/// refused) leaves the earlier session as it was, and only a login that succeeded replaces it.
/// </summary>
internal sealed class FreshLogin(IDataProtectionProvider protection, TimeProvider time)
{
    /// <summary>The parameter that carries the mark on the way back from the sign-in.</summary>
    public const string Field = "gh_login_asked";

    // Clocks of the cookie handler and of the mark may differ by a little; a login seconds before the ask is as fresh.
    private static readonly TimeSpan s_skew = TimeSpan.FromSeconds(5);

    private readonly IDataProtector _protector = protection.CreateProtector("Gatehouse.OAuth.FreshLogin.v1");

    /// <summary>The mark for <paramref name="request"/>, asked now.</summary>
    public string Mark(OpenIddictRequest request) =>
        _protector.Protect(Subject(request, time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));

    /// <summary>Whether <paramref name="session"/> signed in after <paramref name="mark"/> asked for a login for this very request.</summary>
    public bool Satisfied(string? mark, OpenIddictRequest request, AuthenticateResult session)
    {
        if (string.IsNullOrEmpty(mark) || !session.Succeeded || session.Properties?.IssuedUtc is not { } signedIn)
        {
            return false;
        }

        string text;
        try
        {
            text = _protector.Unprotect(mark);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }

        var parts = System.Text.Json.JsonSerializer.Deserialize<string[]>(text);
        return parts is { Length: > 0 } && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var asked) &&
               string.Equals(text, Subject(request, parts[0]), StringComparison.Ordinal) &&
               signedIn >= DateTimeOffset.FromUnixTimeSeconds(asked) - s_skew;
    }

    // JSON, so that no value can run into the next one; bound to the client's request so a mark serves no other.
    private static string Subject(OpenIddictRequest request, string askedAt) => System.Text.Json.JsonSerializer.Serialize(new[]
    {
        askedAt, request.ClientId ?? "", request.RedirectUri ?? "", request.State ?? "", request.CodeChallenge ?? "",
    });
}
