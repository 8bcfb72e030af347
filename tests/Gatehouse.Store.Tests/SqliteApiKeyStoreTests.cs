using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>The store contract on SQLite, each test with a data directory of its own.</summary>
public sealed class SqliteApiKeyStoreTests(ITestOutputHelper output) : ApiKeyStoreContract<SqliteTestDatabase>(output)
{
    [Fact]
    public async Task The_database_is_a_file_in_the_data_directory_in_WAL_mode()
    {
        var store = OpenStore();
        await store.Keys.ListAsync();

        Assert.True(File.Exists(Database.FilePath));
        var mode = Assert.Single(await store.QueryAsync("PRAGMA journal_mode"));
        Assert.Equal("wal", mode[0]);
    }

    [Fact]
    public async Task SqlitePath_overrides_the_file_in_the_data_directory()
    {
        var path = Path.Combine(Database.DataDir, "nested", "keys.sqlite");
        await using var store = new StoreUnderTest(o =>
        {
            o.DataDir = Database.DataDir;
            o.SqlitePath = path;
        }, new FakeTimeProvider(), new CapturedLogs());

        await store.Keys.CreateAsync("ci-bot");

        Assert.True(File.Exists(path));
        Assert.False(File.Exists(Database.FilePath));
    }

    [Fact]
    public async Task A_store_opened_while_its_file_is_unreachable_recovers_once_it_is_reachable()
    {
        var blocked = Path.Combine(Database.DataDir, "later");
        File.WriteAllText(blocked, "");
        await using var store = new StoreUnderTest(o => o.DataDir = Path.Combine(blocked, "data"), new FakeTimeProvider(), new CapturedLogs());

        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Keys.ListAsync());
        File.Delete(blocked);

        var (_, secret) = await store.Keys.CreateAsync("ci-bot");
        Assert.NotNull(await store.Keys.VerifyAsync(secret));
    }
}
