using Gatehouse.Relay.Accounts;
using ModelContextProtocol.Authentication;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The SDK's token cache outside a flow to connect writes only refreshed tokens: a refresh that ends after the person
/// disconnected does not connect them again, while the flow to connect keeps what it obtains.
/// </summary>
public sealed class VaultTokenCacheTests
{
    private readonly InMemoryUpstreamTokenVault _vault = new(TimeProvider.System);

    private static TokenContainer Tokens(string access) => new() { AccessToken = access, TokenType = "Bearer", ObtainedAt = DateTimeOffset.UtcNow };

    [Fact]
    public async Task A_refresh_ending_after_a_disconnect_keeps_nothing()
    {
        await _vault.StoreAsync("ada", "remote", Tokens("connected"), CancellationToken.None);
        var cache = new VaultTokenCache(_vault, "ada", "remote");

        await cache.StoreTokensAsync(Tokens("refreshed"), CancellationToken.None);
        Assert.Equal("refreshed", (await cache.GetTokensAsync(CancellationToken.None))?.AccessToken);

        Assert.True(await _vault.RemoveAsync("ada", "remote", CancellationToken.None));
        await cache.StoreTokensAsync(Tokens("refreshed-late"), CancellationToken.None);

        Assert.Null(await _vault.GetAsync("ada", "remote", CancellationToken.None));
        Assert.Empty(await _vault.ListAsync("ada", CancellationToken.None));
    }

    [Fact]
    public async Task The_flow_to_connect_keeps_the_tokens_it_obtains_when_none_were_held()
    {
        var cache = new ConnectTokenCache(_vault, "ada", "remote");

        await cache.StoreTokensAsync(Tokens("obtained"), CancellationToken.None);

        Assert.Equal("obtained", (await _vault.GetAsync("ada", "remote", CancellationToken.None))?.AccessToken);
    }
}
