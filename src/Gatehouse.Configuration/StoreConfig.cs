namespace Gatehouse.Configuration;

/// <summary>Where state that outlives a process lives: SQLite in the data directory, or PostgreSQL.</summary>
public sealed record StoreConfig
{
    /// <summary>A PostgreSQL connection string; null keeps state in SQLite under <c>dataDir</c>.</summary>
    public string? Postgres { get; init; }

    /// <summary>
    /// On SQLite, whether every commit is flushed to the disk (fsync) before Gatehouse goes on: true (<c>"full"</c>, the
    /// default) survives a power cut; false (<c>"normal"</c>) survives a crash of Gatehouse but not of the machine,
    /// and costs calls less. PostgreSQL follows its server's own settings.
    /// </summary>
    public bool SqliteSyncEveryCommit { get; init; } = true;

    /// <summary>The default of <see cref="Timeout"/>: no call waits on the store much longer than this.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a request to the store may take (to connect, or to run) before the store counts as unavailable
    /// and the call that waits on it is refused (or let through unrecorded, with <c>audit.failOpen</c>).
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}
