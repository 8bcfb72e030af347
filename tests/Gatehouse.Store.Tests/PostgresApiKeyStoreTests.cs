using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>
/// The store contract on PostgreSQL, each test in a database of its own. Fails, never skips, when the server
/// is not there: see <see cref="PostgresTestServer"/>.
/// </summary>
public sealed class PostgresApiKeyStoreTests(ITestOutputHelper output) : ApiKeyStoreContract<PostgresTestDatabase>(output)
{
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
