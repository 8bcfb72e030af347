namespace Gatehouse.Store.UpstreamTokens;

/// <summary>
/// Each person's tokens at the upstream servers that require OAuth, keyed by identity and server. The store keeps what
/// it is given as it is: callers seal the tokens (encrypt them) first, so that a copy of the database holds none in clear.
/// </summary>
public interface IUpstreamTokenStore
{
    /// <summary>The sealed tokens of <paramref name="identity"/> at <paramref name="server"/>, or null when none are held.</summary>
    Task<string?> FindAsync(string identity, string server, CancellationToken cancellationToken = default);

    /// <summary>Keeps <paramref name="sealedTokens"/> for <paramref name="identity"/> at <paramref name="server"/>, in place of any held before.</summary>
    Task SaveAsync(string identity, string server, string sealedTokens, CancellationToken cancellationToken = default);

    /// <summary>
    /// Puts <paramref name="sealedTokens"/> in place of the tokens held for <paramref name="identity"/> at <paramref name="server"/>,
    /// only while some are held (a refresh); false, keeping nothing, when none are (removed meanwhile: disconnected).
    /// </summary>
    Task<bool> ReplaceAsync(string identity, string server, string sealedTokens, CancellationToken cancellationToken = default);

    /// <summary>Forgets the tokens of <paramref name="identity"/> at <paramref name="server"/>; false when none were held.</summary>
    Task<bool> RemoveAsync(string identity, string server, CancellationToken cancellationToken = default);

    /// <summary>The connected accounts, of one identity or of all, by identity then server.</summary>
    Task<IReadOnlyList<UpstreamAccount>> ListAsync(string? identity = null, CancellationToken cancellationToken = default);
}

/// <summary>One person's connected account at one upstream server: who, where, and when its tokens were last written.</summary>
public sealed record UpstreamAccount(string Identity, string Server, DateTimeOffset UpdatedAt);
