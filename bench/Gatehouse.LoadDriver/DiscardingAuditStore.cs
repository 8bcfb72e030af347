using Gatehouse.Audit;

namespace Gatehouse.LoadDriver;

/// <summary>
/// An audit store that chains every commit (hashing each record as the real store does) and keeps nothing. Through
/// it, the gateway still builds, redacts and queues every record and each call still waits for its commit, so the
/// difference between it and the real store is what SQLite and the disk cost.
/// </summary>
internal sealed class DiscardingAuditStore : IAuditStore
{
    public Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken) =>
        Task.FromResult(AuditChain.Extend(0, AuditChain.Genesis, events));

    public Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken) => Task.FromResult(new AuditPage([], NextBefore: null));

    public IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken) => AsyncEnumerable.Empty<AuditRecord>();

    public Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken) => Task.FromResult<AuditCheckpoint?>(null);

    public Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The load driver's discarding store keeps nothing to prune.");
}
