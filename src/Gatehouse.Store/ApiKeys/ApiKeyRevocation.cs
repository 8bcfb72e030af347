namespace Gatehouse.Store.ApiKeys;

/// <summary>What <see cref="IApiKeyStore.RevokeAsync"/> found.</summary>
public enum ApiKeyRevocation
{
    /// <summary>No key has that id.</summary>
    NotFound,

    /// <summary>The key was active and is now revoked.</summary>
    Revoked,

    /// <summary>The key had already been revoked; nothing changed (revoking is idempotent).</summary>
    AlreadyRevoked,
}
