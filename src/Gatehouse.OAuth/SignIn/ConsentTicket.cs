using Microsoft.AspNetCore.DataProtection;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// Binds a consent form to the one request it was shown for: the person, the client, where the code goes, the resource,
/// the scopes, the client's state and PKCE challenge, protected so that it cannot be made up and good for
/// <see cref="Lifetime"/>. A form posted with another request's ticket, or for another person, changes nothing.
/// </summary>
internal sealed class ConsentTicket(IDataProtectionProvider protection, TimeProvider time)
{
    public const string Field = "gh_consent_for";

    /// <summary>How long a person has to answer the consent page.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("Gatehouse.OAuth.Consent.v1").ToTimeLimitedDataProtector();

    public string Issue(ConsentSubject subject) => _protector.Protect(subject.Text, time.GetUtcNow() + Lifetime);

    /// <summary>Whether <paramref name="ticket"/> was issued for <paramref name="subject"/> and has not expired.</summary>
    public bool Matches(string? ticket, ConsentSubject subject)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return false;
        }

        try
        {
            // The time-limited protector checks expiry against the system clock; the ticket's lifetime is short either way.
            return string.Equals(_protector.Unprotect(ticket, out _), subject.Text, StringComparison.Ordinal);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>What a person consents to, spelled out for <see cref="ConsentTicket"/>.</summary>
internal sealed record ConsentSubject(string Identity, string ClientId, string RedirectUri, string Resource, IReadOnlyList<string> Scopes,
    string? State, string? CodeChallenge)
{
    // JSON, so that no value can run into the next one.
    public string Text => System.Text.Json.JsonSerializer.Serialize(new[] { Identity, ClientId, RedirectUri, Resource,
        string.Join(' ', Scopes.Order(StringComparer.Ordinal)), State ?? "", CodeChallenge ?? "" });
}
