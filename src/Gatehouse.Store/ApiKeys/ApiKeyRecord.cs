namespace Gatehouse.Store.ApiKeys;

/// <summary>An API key as the store keeps it: everything but the secret, which is never stored or shown again.</summary>
/// <param name="Id">The key's public id, also embedded in the key itself; used to list and revoke it.</param>
/// <param name="Identity">Who the key authenticates as.</param>
/// <param name="Roles">The roles the key carries (for example <c>admin</c>), possibly none.</param>
/// <param name="CreatedAt">When the key was created.</param>
/// <param name="ExpiresAt">From when on the key is refused, or null for never.</param>
/// <param name="RevokedAt">When the key was revoked, or null.</param>
/// <param name="LastUsedAt">When the key last passed verification, to a minute or so; null if never.</param>
public sealed record ApiKeyRecord(
    string Id,
    string Identity,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    /// <summary>Whether the key was revoked.</summary>
    public bool IsRevoked => RevokedAt is not null;

    /// <summary>Whether the key has expired at <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiresAt && now >= expiresAt;
}
