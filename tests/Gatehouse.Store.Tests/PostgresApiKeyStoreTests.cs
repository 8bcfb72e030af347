using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>
/// The store contract on PostgreSQL, each test in a database of its own. Fails, never skips, when the server
/// is not there: see <see cref="PostgresTestServer"/>.
/// </summary>
public sealed class PostgresApiKeyStoreTests(ITestOutputHelper output) : ApiKeyStoreContract(output)
{
    private string? _connectionString;

    protected override void UseTestDatabase(StoreOptions options) =>
        options.PostgresConnectionString = _connectionString ?? throw new InvalidOperationException("No test database.");

    // A loopback port that was free a moment ago: connecting is refused at once.
    protected override void UseUnreachableDatabase(StoreOptions options) =>
        options.PostgresConnectionString = $"Host=127.0.0.1;Port={FreePort()};Username=gatehouse;Password={UnreachablePassword};Timeout=5";

    protected override async Task CreateTestDatabaseAsync() => _connectionString = await PostgresTestServer.CreateDatabaseAsync();

    protected override async Task DropTestDatabaseAsync()
    {
        if (_connectionString is not null)
        {
            await PostgresTestServer.DropDatabaseAsync(_connectionString);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_store_opened_while_its_database_is_missing_recovers_once_it_exists()
    {
        var late = await PostgresTestServer.CreateDatabaseAsync();
        await PostgresTestServer.DropDatabaseAsync(late);
        try
        {
            await using var store = new StoreUnderTest(o => o.PostgresConnectionString = late, new FakeTimeProvider(), new CapturedLogs());

            await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Keys.ListAsync());
            await PostgresTestServer.CreateDatabaseAsync(late);

            var (_, secret) = await store.Keys.CreateAsync("ci-bot");
            Assert.NotNull(await store.Keys.VerifyAsync(secret));
        }
        finally
        {
            await PostgresTestServer.DropDatabaseAsync(late);
        }
    }
}
