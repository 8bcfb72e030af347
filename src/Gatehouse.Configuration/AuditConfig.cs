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
    /// The key that signs prune checkpoints (at least 16 bytes of text); null keeps a generated key in
    /// <c>dataDir/audit-checkpoint.key</c>. Replicas sharing a PostgreSQL store must share it.
    /// </summary>
    public string? CheckpointKey { get; init; }
}
