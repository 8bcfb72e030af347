namespace Gatehouse.Configuration;

/// <summary>The audit log: every decision recorded in the state store, hash-chained.</summary>
public sealed record AuditConfig
{
    /// <summary>False turns the audit log off (only for measuring what it costs): nothing is recorded.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// When the audit store cannot take a decision: false (the default) refuses the call; true lets it run
    /// unrecorded, with a warning in the log.
    /// </summary>
    public bool FailOpen { get; init; }

    /// <summary>
    /// True (the default, <c>"onDiskBefore": "forward"</c>): a decision is on disk before its call goes upstream. False
    /// (<c>"answer"</c>): written before the call goes upstream (so a crash or kill of Gatehouse keeps it), and on disk
    /// before anything of the answer reaches the client; the disk's flush then runs while the upstream works.
    /// </summary>
    public bool OnDiskBeforeForward { get; init; } = true;

    /// <summary>
    /// The key that signs prune checkpoints (at least 16 bytes of text); null keeps a generated key in
    /// <c>dataDir/audit-checkpoint.key</c>. Replicas sharing a PostgreSQL store must share it.
    /// </summary>
    public string? CheckpointKey { get; init; }
}
