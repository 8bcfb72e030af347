using Microsoft.Extensions.Logging.Abstractions;

namespace Gatehouse.Audit.Tests;

public sealed class GroupCommitAuditLogTests
{
    [Fact]
    public async Task Records_that_arrive_during_a_commit_share_the_next_one()
    {
        var store = new SlowStore();
        var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        await Task.WhenAll(Enumerable.Range(1, 200).Select(n => log.RecordAsync(Records.Decision(n), default)));
        await log.DisposeAsync();

        Assert.Equal(200, store.Written.Count);
        Assert.Equal(200, store.Written.Select(e => e.RequestId).Distinct().Count());
        Assert.True(store.Commits < 200, $"{store.Commits} commits for 200 records");
    }

    [Fact]
    public async Task A_store_that_fails_fails_every_waiting_record_with_unavailable()
    {
        var store = new SlowStore { Failure = new InvalidOperationException("disk full") };
        await using var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        var error = await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RecordAsync(Records.Decision(), default));

        Assert.Contains("disk full", error.Message);
        log.Post(Records.Decision(2)); // not awaited: must not throw
    }

    [Fact]
    public async Task Disposing_writes_what_was_posted()
    {
        var store = new SlowStore();
        var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);
        for (var n = 0; n < 10; n++)
        {
            log.Post(Records.Decision(n));
        }

        await log.DisposeAsync();

        Assert.Equal(10, store.Written.Count);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.RecordAsync(Records.Decision(), default));
    }

    private sealed class SlowStore : IAuditStore
    {
        public List<AuditEvent> Written { get; } = [];

        public int Commits { get; private set; }

        public Exception? Failure { get; init; }

        public async Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
        {
            await Task.Delay(5, cancellationToken);
            if (Failure is not null)
            {
                throw Failure;
            }

            Commits++;
            var records = AuditChain.Extend(Written.Count, AuditChain.Genesis, events);
            Written.AddRange(events);
            return records;
        }

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
