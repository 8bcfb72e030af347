using System.Text.Json;
using System.Text.Json.Serialization;
using Gatehouse.Relay.Accounts;
using Gatehouse.Store.UpstreamTokens;
using Microsoft.AspNetCore.DataProtection;
using ModelContextProtocol.Authentication;

namespace Gatehouse.Hosting;

/// <summary>
/// People's upstream tokens in the store, sealed with the gateway's data protection keys (<c>dataDir/keys</c>) under a
/// purpose of their own: a copy of the database alone reads none of them, and no other part of Gatehouse can unseal them.
/// </summary>
internal sealed class SealedUpstreamTokens(IUpstreamTokenStore store, IDataProtectionProvider protection) : IUpstreamTokenVault
{
    /// <summary>The purpose the tokens are sealed under; changing it would make every held token unreadable.</summary>
    public const string Purpose = "Gatehouse.UpstreamTokens.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(Purpose);

    public async Task<TokenContainer?> GetAsync(string identity, string server, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(identity, server, cancellationToken).ConfigureAwait(false) is not { } sealedTokens)
        {
            return null;
        }

        try
        {
            // Bound to the row's identity and server, so that a row copied under another identity does not unseal there.
            var text = _protector.CreateProtector(identity, server).Unprotect(sealedTokens);
            return JsonSerializer.Deserialize(text, UpstreamTokenJson.Default.TokenContainer);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Sealed with keys that are gone (a new dataDir/keys): as if never connected, so the person is asked to connect again.
            return null;
        }
    }

    public Task StoreAsync(string identity, string server, TokenContainer tokens, CancellationToken cancellationToken)
    {
        var text = JsonSerializer.Serialize(tokens, UpstreamTokenJson.Default.TokenContainer);
        return store.SaveAsync(identity, server, _protector.CreateProtector(identity, server).Protect(text), cancellationToken);
    }

    public Task<bool> ReplaceAsync(string identity, string server, TokenContainer tokens, CancellationToken cancellationToken)
    {
        var text = JsonSerializer.Serialize(tokens, UpstreamTokenJson.Default.TokenContainer);
        return store.ReplaceAsync(identity, server, _protector.CreateProtector(identity, server).Protect(text), cancellationToken);
    }

    public async Task<IReadOnlyList<HeldUpstreamTokens>> ListAsync(string identity, CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(identity, cancellationToken).ConfigureAwait(false)).Select(a => new HeldUpstreamTokens(a.Server, a.UpdatedAt))];

    public Task<bool> RemoveAsync(string identity, string server, CancellationToken cancellationToken) =>
        store.RemoveAsync(identity, server, cancellationToken);
}

[JsonSerializable(typeof(TokenContainer))]
internal sealed partial class UpstreamTokenJson : JsonSerializerContext;
