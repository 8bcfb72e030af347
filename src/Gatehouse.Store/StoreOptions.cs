namespace Gatehouse.Store;

/// <summary>
/// Where Gatehouse keeps state that must outlive a process: an embedded SQLite file by default, PostgreSQL
/// when <see cref="PostgresConnectionString"/> is set (so that several replicas can share it).
/// </summary>
public sealed class StoreOptions
{
    /// <summary>The SQLite file's name inside <see cref="DataDir"/>.</summary>
    public const string DefaultSqliteFileName = "gatehouse.db";

    /// <summary>The directory for Gatehouse's state (the configuration's <c>dataDir</c>).</summary>
    public string? DataDir { get; set; }

    /// <summary>The SQLite file, when it should not be <see cref="DefaultSqliteFileName"/> inside <see cref="DataDir"/>.</summary>
    public string? SqlitePath { get; set; }

    /// <summary>An Npgsql connection string; when set, the store is PostgreSQL and the SQLite settings are unused.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// On PostgreSQL, how long a request may take to connect, and then to run, before the store counts as
    /// unavailable; it replaces the connection string's <c>Timeout</c> and <c>Command Timeout</c>. Whole seconds, at least one.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// On SQLite, whether every commit is flushed to the disk before it counts as done (<c>PRAGMA synchronous = FULL</c>):
    /// true survives a power cut; false (<c>NORMAL</c>, flushed at checkpoints) survives a crash of the process only.
    /// </summary>
    public bool SqliteSyncEveryCommit { get; set; } = true;

    /// <summary>Which backend these options select.</summary>
    public StoreBackendKind Backend =>
        string.IsNullOrWhiteSpace(PostgresConnectionString) ? StoreBackendKind.Sqlite : StoreBackendKind.Postgres;

    /// <summary>The SQLite file these options name, or null when neither a path nor a data directory is set.</summary>
    public string? ResolveSqlitePath()
    {
        if (!string.IsNullOrWhiteSpace(SqlitePath))
        {
            return Path.GetFullPath(SqlitePath);
        }

        return string.IsNullOrWhiteSpace(DataDir) ? null : Path.GetFullPath(Path.Combine(DataDir, DefaultSqliteFileName));
    }
}
