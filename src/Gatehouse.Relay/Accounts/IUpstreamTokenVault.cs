using System.Collections.Concurrent;
using ModelContextProtocol.Authentication;

namespace Gatehouse.Relay.Accounts;

/// <summary>
/// Where each person's tokens at the upstream servers that require OAuth are kept, by identity and server. The gateway's
/// host keeps them in its store, sealed; without one they are kept in memory, for as long as the process runs.
/// </summary>
public interface IUpstreamTokenVault
{
    /// <summary>The tokens of <paramref name="identity"/> at <paramref name="server"/>, or null when the person has not connected.</summary>
    Task<TokenContainer?> GetAsync(string identity, string server, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="tokens"/> (new: the person connected) for <paramref name="identity"/> at <paramref name="server"/>.</summary>
    Task StoreAsync(string identity, string server, TokenContainer tokens, CancellationToken cancellationToken);

    /// <summary>
    /// Puts <paramref name="tokens"/> (refreshed) in place of those held for <paramref name="identity"/> at <paramref name="server"/>,
    /// only while some are held; false, keeping nothing, when the person disconnected meanwhile.
    /// </summary>
    Task<bool> ReplaceAsync(string identity, string server, TokenContainer tokens, CancellationToken cancellationToken);

    /// <summary>The servers <paramref name="identity"/> holds tokens at, each with when its tokens were last written.</summary>
    Task<IReadOnlyList<HeldUpstreamTokens>> ListAsync(string identity, CancellationToken cancellationToken);

    /// <summary>Deletes the tokens of <paramref name="identity"/> at <paramref name="server"/>; false when none were held.</summary>
    Task<bool> RemoveAsync(string identity, string server, CancellationToken cancellationToken);
}

/// <summary>A person's tokens held at one server: which, and when they were last written (obtained or refreshed).</summary>
public sealed record HeldUpstreamTokens(string Server, DateTimeOffset UpdatedAt);

/// <summary>Tokens held by the process alone: for a gateway without a store (one serving its own standard input).</summary>
internal sealed class InMemoryUpstreamTokenVault(TimeProvider time) : IUpstreamTokenVault
{
    private readonly ConcurrentDictionary<(string Identity, string Server), (TokenContainer Tokens, DateTimeOffset At)> _tokens = new();

    public Task<TokenContainer?> GetAsync(string identity, string server, CancellationToken cancellationToken) =>
        Task.FromResult(_tokens.TryGetValue((identity, server), out var held) ? held.Tokens : null);

    public Task StoreAsync(string identity, string server, TokenContainer tokens, CancellationToken cancellationToken)
    {
        _tokens[(identity, server)] = (tokens, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<bool> ReplaceAsync(string identity, string server, TokenContainer tokens, CancellationToken cancellationToken)
    {
        var key = (identity, server);
        while (_tokens.TryGetValue(key, out var held))
        {
            if (_tokens.TryUpdate(key, (tokens, time.GetUtcNow()), held))
            {
                return Task.FromResult(true);
            }
        }

        return Task.FromResult(false);
    }

    public Task<IReadOnlyList<HeldUpstreamTokens>> ListAsync(string identity, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<HeldUpstreamTokens>>([.. _tokens.Where(t => t.Key.Identity == identity)
            .Select(t => new HeldUpstreamTokens(t.Key.Server, t.Value.At)).OrderBy(t => t.Server, StringComparer.Ordinal)]);

    public Task<bool> RemoveAsync(string identity, string server, CancellationToken cancellationToken) =>
        Task.FromResult(_tokens.TryRemove((identity, server), out _));
}

/// <summary>
/// The MCP SDK's token cache over one person's tokens at one server, outside a flow to connect: what it reads before each
/// request, and the tokens a refresh brings, kept only while the person is still connected.
/// </summary>
internal sealed class VaultTokenCache(IUpstreamTokenVault vault, string identity, string server) : ITokenCache
{
    public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken) =>
        new(vault.GetAsync(identity, server, cancellationToken));

    // A refresh that ends after the person disconnected must not connect them again: the refreshed tokens are then dropped.
    public async ValueTask StoreTokensAsync(TokenContainer tokens, CancellationToken cancellationToken) =>
        await vault.ReplaceAsync(identity, server, tokens, cancellationToken).ConfigureAwait(false);
}

/// <summary>
/// The tokens of one flow to connect an account. A person connects because the tokens held no longer do (none, refused, too
/// little scope, another authorization server), so the SDK starts from none and authorizes anew; the new tokens replace the
/// old in the vault only once they arrive, noting the scope asked for when the authorization server did not say what it granted.
/// </summary>
internal sealed class ConnectTokenCache(IUpstreamTokenVault vault, string identity, string server) : ITokenCache
{
    private TokenContainer? _obtained;

    /// <summary>The scopes this flow asked for (space-separated), as the SDK's scope selection settled them.</summary>
    public string? Requested { get; set; }

    public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken) => new(_obtained);

    public async ValueTask StoreTokensAsync(TokenContainer tokens, CancellationToken cancellationToken)
    {
        // Without a scope in the token response, the granted scope is the one asked for (RFC 6749 section 5.1).
        tokens.Scope ??= Requested;
        await vault.StoreAsync(identity, server, tokens, cancellationToken).ConfigureAwait(false);
        _obtained = tokens;
    }
}
