namespace Gatehouse.Store;

/// <summary>The database behind the state store.</summary>
public enum StoreBackendKind
{
    /// <summary>An embedded SQLite file (WAL mode); processes on one machine may share it.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database; replicas on any machine may share it.</summary>
    Postgres,
}
