using Gatehouse.Audit;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>The audit store contract on SQLite, each test with a data directory of its own.</summary>
public sealed class SqliteAuditStoreTests(ITestOutputHelper output) : AuditStoreContract<SqliteTestDatabase>(output)
{
    [Fact]
    public async Task Appends_go_on_once_the_file_can_be_reached_again_after_a_failed_one()
    {
        // Appends keep one connection open: one that failed must not spoil those after it.
        var root = Directory.CreateTempSubdirectory("gatehouse-append-").FullName;
        var blocker = Path.Combine(root, "data");
        await File.WriteAllTextAsync(blocker, "a file where the data directory should be");
        try
        {
            await using var store = new StoreUnderTest(options => options.DataDir = Path.Combine(blocker, "store"), new FakeTimeProvider(), new CapturedLogs());
            var decision = new AuditEvent { Time = DateTimeOffset.UnixEpoch, Kind = AuditKinds.Decision, Decision = AuditDecisions.Allow };

            await Assert.ThrowsAsync<AuditUnavailableException>(() => store.Audit.AppendAsync([decision], default));
            File.Delete(blocker);
            var appended = await store.Audit.AppendAsync([decision, decision], default);
            var more = await store.Audit.AppendAsync([decision], default);

            Assert.Equal([1L, 2L, 3L], appended.Concat(more).Select(r => r.Sequence));
            Assert.Equal(appended[1].Hash, more[0].PreviousHash);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
