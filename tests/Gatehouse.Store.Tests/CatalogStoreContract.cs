using Gatehouse.Catalog;

namespace Gatehouse.Store.Tests;

/// <summary>What every backend of the catalog store must do.</summary>
public abstract class CatalogStoreContract<TDatabase> : StoreContract<TDatabase>
    where TDatabase : TestDatabase, new()
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    private static ListedItem Item(string name, string hash) => new(name, hash, $$"""{"name":"{{name}}","description":"{{hash}}"}""");

    private static ToolPin Pin(string tool, string hash, string by = ToolPin.FirstSeen, bool reviewed = false) =>
        new("crm", tool, hash, Start, by, reviewed);

    [Fact]
    public async Task A_listing_becomes_what_the_server_lists_now_and_joins_the_history()
    {
        var store = OpenStore().Catalog;

        var added = await store.RecordListingAsync("crm", CatalogKind.Tool, [Item("send", "h1"), Item("get", "g1")], Start, s_none);
        var again = await store.RecordListingAsync("crm", CatalogKind.Tool, [Item("send", "h2"), Item("get", "g1")], Start.AddMinutes(1), s_none);

        Assert.Equal(["get", "send"], added.Select(i => i.Name).Order());
        Assert.Equal(Item("send", "h2"), Assert.Single(again));
        var loaded = await store.LoadAsync("crm", s_none);
        Assert.Equal([("get", "g1"), ("send", "h2")], loaded.Current.Select(i => (i.Name, i.Hash)));
        var history = await store.HistoryAsync("crm", CatalogKind.Tool, "send", s_none);
        Assert.Equal(["h2", "h1"], history.Select(i => i.Hash));
        Assert.Equal(Item("send", "h1").Definition, history[1].Definition);
        var get = Assert.Single(await store.HistoryAsync("crm", CatalogKind.Tool, "get", s_none));
        Assert.Equal((Start, Start.AddMinutes(1)), (get.FirstSeen, get.LastSeen));
    }

    [Fact]
    public async Task A_tool_gone_from_the_listing_is_no_longer_current_but_keeps_its_history()
    {
        var store = OpenStore().Catalog;
        await store.RecordListingAsync("crm", CatalogKind.Tool, [Item("send", "h1"), Item("get", "g1")], Start, s_none);

        await store.RecordListingAsync("crm", CatalogKind.Tool, [Item("get", "g1")], Start, s_none);

        Assert.Equal(["get"], (await store.LoadAsync("crm", s_none)).Current.Select(i => i.Name));
        Assert.Single(await store.HistoryAsync("crm", CatalogKind.Tool, "send", s_none));
    }

    [Fact]
    public async Task Kinds_and_servers_are_kept_apart()
    {
        var store = OpenStore().Catalog;
        await store.RecordListingAsync("crm", CatalogKind.Tool, [Item("x", "t")], Start, s_none);
        await store.RecordListingAsync("crm", CatalogKind.Prompt, [Item("x", "p")], Start, s_none);
        await store.RecordListingAsync("other", CatalogKind.Tool, [Item("y", "o")], Start, s_none);

        await store.RecordListingAsync("crm", CatalogKind.Prompt, [], Start, s_none);

        var crm = await store.LoadAsync("crm", s_none);
        Assert.Equal([(CatalogKind.Tool, "x")], crm.Current.Select(i => (i.Kind, i.Name)));
        Assert.Equal(["y"], (await store.LoadAsync("other", s_none)).Current.Select(i => i.Name));
    }

    [Fact]
    public async Task The_first_pin_of_a_tool_stands_until_an_operator_accepts_another()
    {
        var store = OpenStore().Catalog;

        var first = await store.PinFirstSeenAsync([Pin("send", "h1"), Pin("get", "g1")], s_none);
        var second = await store.PinFirstSeenAsync([Pin("send", "h2")], s_none);

        Assert.Equal(2, first.Count);
        Assert.Empty(second);
        Assert.Equal("h1", (await store.LoadAsync("crm", s_none)).Pins["send"].Hash);

        await store.AcceptAsync(Pin("send", "h2", by: "alice", reviewed: true), s_none);

        var pin = (await store.LoadAsync("crm", s_none)).Pins["send"];
        Assert.Equal(Pin("send", "h2", by: "alice", reviewed: true), pin);
    }

    [Fact]
    public async Task A_name_listed_twice_is_recorded_once()
    {
        var store = OpenStore().Catalog;

        await store.RecordListingAsync("crm", CatalogKind.Tool, [Item("send", "h1"), Item("send", "h2")], Start, s_none);

        Assert.Equal("h2", Assert.Single((await store.LoadAsync("crm", s_none)).Current).Hash);
    }

    [Fact]
    public async Task Hostile_names_are_stored_without_failing_the_write()
    {
        var store = OpenStore().Catalog;
        var name = "send\0campaign\uD800 '; DROP TABLE catalog_pins; --";

        await store.RecordListingAsync("crm", CatalogKind.Tool, [Item(name, "h1")], Start, s_none);
        await store.PinFirstSeenAsync([Pin(name, "h1")], s_none);

        var loaded = await store.LoadAsync("crm", s_none);
        Assert.Equal("send\uFFFDcampaign\uFFFD '; DROP TABLE catalog_pins; --", Assert.Single(loaded.Current).Name);
        Assert.Single(loaded.Pins);
    }

    [Fact]
    public async Task An_unreachable_store_throws_CatalogUnavailableException_naming_the_store_but_no_password()
    {
        var store = OpenUnreachableStore().Catalog;

        var load = await Assert.ThrowsAsync<CatalogUnavailableException>(() => store.LoadAsync("crm", s_none));
        await Assert.ThrowsAsync<CatalogUnavailableException>(() => store.RecordListingAsync("crm", CatalogKind.Tool, [Item("a", "b")], Start, s_none));
        await Assert.ThrowsAsync<CatalogUnavailableException>(() => store.PinFirstSeenAsync([Pin("a", "b")], s_none));
        await Assert.ThrowsAsync<CatalogUnavailableException>(() => store.AcceptAsync(Pin("a", "b"), s_none));
        await Assert.ThrowsAsync<CatalogUnavailableException>(() => store.HistoryAsync("crm", CatalogKind.Tool, "a", s_none));

        Assert.IsType<StoreUnavailableException>(load.InnerException);
        Assert.Contains("unavailable", load.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestDatabase.UnreachablePassword, load.Message, StringComparison.Ordinal);
    }
}

/// <summary>The catalog store contract on SQLite, each test with a data directory of its own.</summary>
public sealed class SqliteCatalogStoreTests : CatalogStoreContract<SqliteTestDatabase>;

/// <summary>The catalog store contract on PostgreSQL, each test in a database of its own.</summary>
public sealed class PostgresCatalogStoreTests : CatalogStoreContract<PostgresTestDatabase>;
