using System.Diagnostics;
using Gatehouse.Audit;

namespace Gatehouse.Audit.Benchmarks;

/// <summary>
/// The real store, noting the size and duration of each append: group commit calls it from one writer, so
/// what it notes is every commit the log made.
/// </summary>
internal sealed class CommitRecordingStore(IAuditStore store) : IAuditStore
{
    private readonly List<(int Records, long Ticks)> _commits = [];

    public IReadOnlyList<(int Records, long Ticks)> Commits => _commits;

    public void Clear() => _commits.Clear();

    public async Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var records = await store.AppendAsync(events, cancellationToken);
        _commits.Add((events.Count, Stopwatch.GetTimestamp() - start));
        return records;
    }

    public Task FlushAsync(CancellationToken cancellationToken) => store.FlushAsync(cancellationToken);

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => store.QueryAsync(query, cancellationToken);

    public IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken) =>
        store.ReadAsync(afterSequence, cancellationToken);

    public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) => store.GetCheckpointAsync(cancellationToken);

    public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken) =>
        store.PruneAsync(olderThan, signer, cancellationToken);
}
