using System.Collections.Concurrent;
using System.Security.Cryptography;
using Gatehouse.Store.ApiKeys;

namespace Gatehouse.OperatorConsole;

/// <summary>
/// Sign-in links that work once: a link signs its browser in as the key it was made for, within
/// <see cref="Lifetime"/>, and never again. What <c>gatehouse demo</c> prints, so a new user is in the console in a click.
/// </summary>
public sealed class ConsoleSignInLinks(TimeProvider time)
{
    /// <summary>How long a link works if nobody follows it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    /// <summary>Where links point, followed by their token.</summary>
    public const string PathPrefix = "/ui/sign-in/link/";

    private readonly ConcurrentDictionary<string, (ApiKeyRecord Key, DateTimeOffset Expires)> _links = new(StringComparer.Ordinal);

    /// <summary>A new link (a path on the gateway) that signs in as <paramref name="key"/> once.</summary>
    public string Create(ApiKeyRecord key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _links[token] = (key, time.GetUtcNow() + Lifetime);
        return PathPrefix + token;
    }

    /// <summary>The key a link was made for, the first time it is followed within its lifetime; null otherwise.</summary>
    internal ApiKeyRecord? Redeem(string token) =>
        _links.TryRemove(token, out var link) && link.Expires > time.GetUtcNow() ? link.Key : null;
}
