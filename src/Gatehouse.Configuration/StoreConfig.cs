namespace Gatehouse.Configuration;

/// <summary>Where state that outlives a process lives: SQLite in the data directory, or PostgreSQL.</summary>
public sealed record StoreConfig
{
    /// <summary>A PostgreSQL connection string; null keeps state in SQLite under <c>dataDir</c>.</summary>
    public string? Postgres { get; init; }
}
