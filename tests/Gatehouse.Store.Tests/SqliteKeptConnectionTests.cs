using Gatehouse.Audit;
using Gatehouse.Store.Database;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Store.Tests;

/// <summary>
/// The audit log's kept SQLite connection commits at <c>synchronous = NORMAL</c> and flushes by itself; once it is let go
/// (after a failed append) no other writer of the store may inherit that setting from the pool, since nobody flushes
/// their commits.
/// </summary>
public sealed class SqliteKeptConnectionTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();

    public Task InitializeAsync() => _database.CreateAsync();

    public Task DisposeAsync() => _database.DropAsync();

    [Fact]
    public async Task A_kept_connection_let_go_after_a_failed_append_leaves_no_pooled_connection_writing_without_syncing()
    {
        await using var store = new StoreUnderTest(_database.Use, new FakeTimeProvider(), new CapturedLogs());
        var decision = new AuditEvent { Time = DateTimeOffset.UnixEpoch, Kind = AuditKinds.Decision, Decision = AuditDecisions.Allow };
        // The first commit at FULL, the next at NORMAL, each flushed after.
        await store.Audit.AppendAsync([decision], default);
        await store.Audit.FlushAsync(default);
        await store.Audit.AppendAsync([decision], default);
        await store.Audit.FlushAsync(default);

        // An append that fails (here by a trigger; in life a busy or full disk): the kept connection is let go.
        await store.QueryAsync("CREATE TRIGGER refuse_boom BEFORE INSERT ON audit_records WHEN NEW.method = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END;");
        await Assert.ThrowsAsync<AuditUnavailableException>(() => store.Audit.AppendAsync([decision with { Method = "boom" }], default));

        // Every connection the pool hands out now, as other writers (API keys, OAuth tokens and revocations) take them.
        var settings = await SynchronousOfPooledConnectionsAsync(store.Get<StoreConnector>(), depth: 8);

        // 2 = FULL; 1 = NORMAL, whose commits survive the process but not a power cut.
        Assert.All(settings, s => Assert.Equal(2L, s));
    }

    [Fact]
    public async Task Appends_to_a_database_file_reached_through_a_symbolic_link_are_put_on_disk()
    {
        // The file lives elsewhere (another volume, say) and the data directory links to it: SQLite follows the link and
        // keeps its write-ahead log beside the real file.
        var elsewhere = Path.Combine(_database.DataDir, "volume");
        Directory.CreateDirectory(elsewhere);
        var real = Path.Combine(elsewhere, "gatehouse.db");
        await File.WriteAllBytesAsync(real, []);
        var linked = Path.Combine(_database.DataDir, "linked.db");
        File.CreateSymbolicLink(linked, real);
        await using var store = new StoreUnderTest(options => options.SqlitePath = linked, new FakeTimeProvider(), new CapturedLogs());
        var decision = new AuditEvent { Time = DateTimeOffset.UnixEpoch, Kind = AuditKinds.Decision, Decision = AuditDecisions.Allow };

        await store.Audit.AppendAsync([decision], default);
        await store.Audit.FlushAsync(default);
        await store.Audit.AppendAsync([decision], default);

        // Flushes what the second commit wrote (at NORMAL): the log beside the real file, not one beside the link.
        await store.Audit.FlushAsync(default);
        Assert.True(File.Exists(real + "-wal"), "SQLite keeps its log beside the file the link names");
    }

    // Opens depth connections at once (each inside the last), so that every idle one in the pool is taken.
    private static Task<List<long>> SynchronousOfPooledConnectionsAsync(StoreConnector connector, int depth) =>
        connector.RunAsync(async (connection, ct) =>
        {
            await using var pragma = connection.CreateCommand("PRAGMA synchronous;");
            var setting = Convert.ToInt64(await pragma.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            var inner = depth > 1 ? await SynchronousOfPooledConnectionsAsync(connector, depth - 1) : [];
            inner.Add(setting);
            return inner;
        }, CancellationToken.None);
}
