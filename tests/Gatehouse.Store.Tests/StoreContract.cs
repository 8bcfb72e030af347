using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Store.Tests;

/// <summary>
/// What the contract tests of every store share. Each test gets a database of its own on the backend
/// <typeparamref name="TDatabase"/> names, and may open several stores on it, as several gateway processes would.
/// </summary>
public abstract class StoreContract<TDatabase> : IAsyncLifetime
    where TDatabase : TestDatabase, new()
{
    private readonly List<StoreUnderTest> _stores = [];

    /// <summary>Where each store's clock starts unless the test gives it one.</summary>
    protected static DateTimeOffset Start { get; } = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    protected TDatabase Database { get; } = new();

    private protected CapturedLogs Logs { get; } = new();

    public Task InitializeAsync() => Database.CreateAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await Database.DropAsync();
    }

    /// <summary>A new store on this test's database, as another gateway process would open it.</summary>
    private protected StoreUnderTest OpenStore(FakeTimeProvider? time = null) =>
        Track(new StoreUnderTest(Database.Use, time ?? new FakeTimeProvider(Start), Logs));

    /// <summary>A store whose database cannot be reached.</summary>
    private protected StoreUnderTest OpenUnreachableStore() =>
        Track(new StoreUnderTest(Database.UseUnreachable, new FakeTimeProvider(Start), Logs));

    private StoreUnderTest Track(StoreUnderTest store)
    {
        _stores.Add(store);
        return store;
    }
}
