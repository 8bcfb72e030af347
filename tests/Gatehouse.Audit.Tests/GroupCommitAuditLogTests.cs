using System.Globalization;
using System.Threading.Channels;
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

    [Fact]
    public async Task A_record_is_reported_written_only_once_the_commit_that_holds_it_returned()
    {
        var store = new GatedStore();
        await using var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        // The first caller finds no commit running and commits its own record; the second queues behind it.
        var first = log.RecordAsync(Records.Decision(1), default);
        var firstCommit = await store.Started.ReadAsync();
        var second = log.RecordAsync(Records.Decision(2), default);

        Assert.False(first.IsCompleted);
        firstCommit.Finish();
        await first;
        var secondCommit = await store.Started.ReadAsync();
        Assert.Equal(["1"], firstCommit.RequestIds);
        Assert.Equal(["2"], secondCommit.RequestIds);
        Assert.False(second.IsCompleted);
        secondCommit.Finish();
        await second;
    }

    [Fact]
    public async Task A_record_whose_commit_fails_is_refused_and_the_next_commit_goes_on()
    {
        var store = new GatedStore();
        await using var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        var refused = log.RecordAsync(Records.Decision(1), default);
        var failing = await store.Started.ReadAsync();
        var next = log.RecordAsync(Records.Decision(2), default);
        failing.Fail(new AuditUnavailableException("disk full"));

        await Assert.ThrowsAsync<AuditUnavailableException>(() => refused);
        (await store.Started.ReadAsync()).Finish();
        await next;
        Assert.Equal(["2"], store.Committed.Select(e => e.RequestId));
    }

    [Fact]
    public async Task A_writer_goes_on_once_its_record_is_written_and_a_recorder_once_it_is_on_disk()
    {
        var store = new GatedStore { HoldFlushes = true };
        await using var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        var writing = log.WriteAsync(Records.Decision(1), default);
        var recording = log.RecordAsync(Records.Decision(2), default);
        var commit = await store.Started.ReadAsync();
        Assert.Equal(["1", "2"], commit.RequestIds);
        commit.Finish();
        var written = await writing;
        var flush = await store.Flushes.ReadAsync();

        Assert.False(written.OnDisk.IsCompleted);
        Assert.False(recording.IsCompleted);
        var next = log.RecordAsync(Records.Decision(3), default);
        flush.Finish();
        await written.OnDisk;
        await recording;

        // The next commit waits for the flush before it: a completed flush leaves everything written before it on disk.
        (await store.Started.ReadAsync()).Finish();
        Assert.False(next.IsCompleted);
        (await store.Flushes.ReadAsync()).Finish();
        await next;
    }

    [Fact]
    public async Task Records_written_but_not_put_on_disk_fail_with_unavailable_and_the_next_commit_goes_on()
    {
        var store = new GatedStore { HoldFlushes = true };
        await using var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        var writing = log.WriteAsync(Records.Decision(1), default);
        var recording = log.RecordAsync(Records.Decision(2), default);
        (await store.Started.ReadAsync()).Finish();
        var written = await writing;
        (await store.Flushes.ReadAsync()).Fail(new IOException("input/output error"));

        var error = await Assert.ThrowsAsync<AuditUnavailableException>(() => written.OnDisk);
        Assert.Contains("input/output error", error.Message);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => recording);
        var next = log.RecordAsync(Records.Decision(3), default);
        (await store.Started.ReadAsync()).Finish();
        (await store.Flushes.ReadAsync()).Finish();
        await next;
    }

    [Fact]
    public async Task Records_queued_during_a_commit_go_into_the_next_in_the_order_they_came()
    {
        var store = new GatedStore();
        await using var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        var first = log.RecordAsync(Records.Decision(1), default);
        var running = await store.Started.ReadAsync();
        log.Post(Records.Decision(2));
        var third = log.RecordAsync(Records.Decision(3), default);
        log.Post(Records.Decision(4));
        var fifth = log.RecordAsync(Records.Decision(5), default);
        running.Finish();
        var next = await store.Started.ReadAsync();
        next.Finish();
        await Task.WhenAll(first, third, fifth);

        Assert.Equal(["2", "3", "4", "5"], next.RequestIds);
    }

    [Fact]
    public async Task Concurrent_writers_each_see_their_records_chained_in_their_order_in_shared_commits()
    {
        const int writers = 32;
        const int each = 40;
        var store = new ChainStore();
        var log = new GroupCommitAuditLog(store, NullLogger<GroupCommitAuditLog>.Instance);

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                var record = Records.Decision() with { Session = $"w{w}", RequestId = i.ToString(CultureInfo.InvariantCulture) };
                if (i % 4 == 3)
                {
                    log.Post(record with { Kind = AuditKinds.Outcome });
                }
                else
                {
                    await log.RecordAsync(record, default);
                }
            }
        })));
        await log.DisposeAsync();

        var verification = await AuditVerifier.VerifyAsync(null, Records.Stream(store.Records), new CheckpointSigner(new byte[32]));
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(writers * each, verification.Checked);
        foreach (var session in store.Records.GroupBy(r => r.Event.Session))
        {
            Assert.Equal(Enumerable.Range(0, each), session.Select(r => int.Parse(r.Event.RequestId!, CultureInfo.InvariantCulture)));
        }

        Assert.True(store.Commits < writers * each, $"{store.Commits} commits for {writers * each} records");
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

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    // Holds each commit open until the test finishes or fails it.
    private sealed class GatedStore : IAuditStore
    {
        private readonly Channel<Commit> _started = Channel.CreateUnbounded<Commit>();
        private readonly Channel<Commit> _flushes = Channel.CreateUnbounded<Commit>();

        public ChannelReader<Commit> Started => _started.Reader;

        /// <summary>Each flush, held until the test finishes or fails it, when <see cref="HoldFlushes"/> is set.</summary>
        public ChannelReader<Commit> Flushes => _flushes.Reader;

        public bool HoldFlushes { get; init; }

        public List<AuditEvent> Committed { get; } = [];

        public async Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
        {
            var commit = new Commit([.. events]);
            _started.Writer.TryWrite(commit);
            await commit.Done.Task;
            Committed.AddRange(events);
            return AuditChain.Extend(Committed.Count - events.Count, AuditChain.Genesis, events);
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (HoldFlushes)
            {
                var flush = new Commit([]);
                _flushes.Writer.TryWrite(flush);
                await flush.Done.Task;
            }
        }

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class Commit(IReadOnlyList<AuditEvent> events)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IEnumerable<string?> RequestIds => events.Select(e => e.RequestId);

        public void Finish() => Done.SetResult();

        public void Fail(Exception e) => Done.SetException(e);
    }

    // Chains every commit after the last as the real stores do, with a commit's worth of waiting in between.
    private sealed class ChainStore : IAuditStore
    {
        public List<AuditRecord> Records { get; } = [];

        public int Commits { get; private set; }

        public async Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
        {
            await Task.Delay(1, cancellationToken);
            var head = Records.Count == 0 ? (Sequence: 0L, Hash: AuditChain.Genesis) : (Records[^1].Sequence, Records[^1].Hash);
            var records = AuditChain.Extend(head.Sequence, head.Hash, events);
            Records.AddRange(records);
            Commits++;
            return records;
        }

        public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
