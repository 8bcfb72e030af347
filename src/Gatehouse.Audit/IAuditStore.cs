namespace Gatehouse.Audit;

/// <summary>
/// Where the audit log's records live (the shared state store). Append-only but for
/// <see cref="PruneAsync"/>; every method throws <see cref="AuditUnavailableException"/> when the store cannot answer.
/// </summary>
public interface IAuditStore
{
    /// <summary>
    /// Appends <paramref name="events"/> in order, in one transaction, chained after the newest record (of any
    /// process sharing the store). When it returns, the records are written: every reader sees them and a crash of
    /// this process keeps them. They survive a power cut once <see cref="FlushAsync"/> has returned.
    /// </summary>
    Task<IReadOnlyList<AuditRecord>> AppendAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Puts every record appended so far on disk, so that it survives a power cut; returns at once where each
    /// append already did (PostgreSQL), or where the operator chose not to (SQLite with <c>sqliteSync</c> <c>normal</c>).
    /// </summary>
    Task FlushAsync(CancellationToken cancellationToken);

    /// <summary>One page of records matching <paramref name="query"/>, newest first.</summary>
    Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Every record numbered above <paramref name="afterSequence"/>, oldest first (to verify, export or follow the log).</summary>
    IAsyncEnumerable<AuditRecord> ReadAsync(long afterSequence, CancellationToken cancellationToken);

    /// <summary>The newest checkpoint, where the kept chain starts; null when nothing was ever pruned.</summary>
    Task<AuditCheckpoint?> GetCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Removes the records written before <paramref name="olderThan"/> (always a run of the oldest ones) and
    /// records a checkpoint signed by <paramref name="signer"/>, in one transaction, so the kept chain still verifies.
    /// </summary>
    Task<AuditPruneResult> PruneAsync(DateTimeOffset olderThan, CheckpointSigner signer, CancellationToken cancellationToken);
}
