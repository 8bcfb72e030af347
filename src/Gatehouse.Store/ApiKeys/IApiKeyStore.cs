namespace Gatehouse.Store.ApiKeys;

/// <summary>
/// Gatehouse's API keys. Every replica sharing the database sees a revocation or an expiry on its next check:
/// <see cref="VerifyAsync"/> reads the database each time and caches nothing.
/// Every method throws <see cref="StoreUnavailableException"/> when the database cannot answer.
/// </summary>
public interface IApiKeyStore
{
    /// <summary>Creates a key for <paramref name="identity"/>; the returned secret is the only copy.</summary>
    /// <param name="identity">Who the key authenticates as: non-empty, no control characters, at most 256 characters.</param>
    /// <param name="expiresAt">When the key stops working; must be in the future. Null for never.</param>
    /// <param name="roles">Roles the key carries; each non-empty, without whitespace, at most 64 characters.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">The identity, a role or the expiry is invalid.</exception>
    Task<CreatedApiKey> CreateAsync(string identity, DateTimeOffset? expiresAt = null, IEnumerable<string>? roles = null,
        CancellationToken cancellationToken = default);

    /// <summary>Every key, revoked and expired ones included, oldest first; no secrets.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key: from now on every replica refuses it. Revoking a revoked key changes nothing.</summary>
    Task<ApiKeyRevocation> RevokeAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The key's record when <paramref name="presentedKey"/> is a well-formed Gatehouse key whose secret matches
    /// and that is neither revoked nor expired; null otherwise, whatever the reason.
    /// </summary>
    /// <exception cref="StoreUnavailableException">
    /// The database cannot answer: the caller must refuse the request as "store unavailable", not as a bad key.
    /// </exception>
    Task<ApiKeyRecord?> VerifyAsync(string? presentedKey, CancellationToken cancellationToken = default);
}
