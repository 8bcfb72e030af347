using Gatehouse.Store.UpstreamTokens;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Store.Tests;

/// <summary>What every backend must do with people's upstream tokens: one sealed value per identity and server.</summary>
public abstract class UpstreamTokenStoreContract<TDatabase> : StoreContract<TDatabase>
    where TDatabase : TestDatabase, new()
{
    private IUpstreamTokenStore Tokens(StoreUnderTest store) => store.Get<IUpstreamTokenStore>();

    [Fact]
    public async Task Tokens_are_kept_per_identity_and_server()
    {
        var tokens = Tokens(OpenStore());

        await tokens.SaveAsync("alice", "remote", "sealed-alice-remote");
        await tokens.SaveAsync("bob", "remote", "sealed-bob-remote");
        await tokens.SaveAsync("alice", "other", "sealed-alice-other");

        Assert.Equal("sealed-alice-remote", await tokens.FindAsync("alice", "remote"));
        Assert.Equal("sealed-bob-remote", await tokens.FindAsync("bob", "remote"));
        Assert.Equal("sealed-alice-other", await tokens.FindAsync("alice", "other"));
        Assert.Null(await tokens.FindAsync("carol", "remote"));
        Assert.Null(await tokens.FindAsync("bob", "other"));
    }

    [Fact]
    public async Task Saving_again_replaces_the_tokens_and_another_gateway_process_sees_them()
    {
        var time = new FakeTimeProvider(Start);
        var first = Tokens(OpenStore(time));
        await first.SaveAsync("alice", "remote", "before-refresh");
        time.Advance(TimeSpan.FromMinutes(5));

        await first.SaveAsync("alice", "remote", "after-refresh");

        Assert.Equal("after-refresh", await Tokens(OpenStore()).FindAsync("alice", "remote"));
        var account = Assert.Single(await first.ListAsync("alice"));
        Assert.Equal(new UpstreamAccount("alice", "remote", Start.AddMinutes(5)), account);
    }

    [Fact]
    public async Task Removed_tokens_are_gone_and_removing_none_says_so()
    {
        var tokens = Tokens(OpenStore());
        await tokens.SaveAsync("alice", "remote", "sealed");
        await tokens.SaveAsync("bob", "remote", "sealed-bob");

        Assert.True(await tokens.RemoveAsync("alice", "remote"));
        Assert.False(await tokens.RemoveAsync("alice", "remote"));

        Assert.Null(await tokens.FindAsync("alice", "remote"));
        Assert.Equal(["bob"], (await tokens.ListAsync()).Select(a => a.Identity));
    }

    [Fact]
    public async Task A_refresh_replaces_held_tokens_but_never_brings_back_removed_ones()
    {
        var tokens = Tokens(OpenStore());
        await tokens.SaveAsync("alice", "remote", "connected");

        Assert.True(await tokens.ReplaceAsync("alice", "remote", "refreshed"));
        Assert.Equal("refreshed", await tokens.FindAsync("alice", "remote"));

        // The person disconnects while a refresh is under way: it ends after, and keeps nothing.
        Assert.True(await tokens.RemoveAsync("alice", "remote"));
        Assert.False(await tokens.ReplaceAsync("alice", "remote", "refreshed-late"));

        Assert.Null(await tokens.FindAsync("alice", "remote"));
        Assert.Empty(await tokens.ListAsync("alice"));
    }
}

public sealed class SqliteUpstreamTokenStoreTests : UpstreamTokenStoreContract<SqliteTestDatabase>;

public sealed class PostgresUpstreamTokenStoreTests : UpstreamTokenStoreContract<PostgresTestDatabase>;
