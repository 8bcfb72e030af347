using System.Data.Common;

namespace Gatehouse.Store.Database;

/// <summary>What differs between the databases the store runs on; everything else is shared SQL.</summary>
internal interface IStoreBackend
{
    StoreBackendKind Kind { get; }

    /// <summary>Where the database is, for logs and errors; never includes credentials.</summary>
    string Description { get; }

    /// <summary>
    /// SQL run on a connection before migrating, outside any transaction, or null.
    /// </summary>
    string? PrepareSql { get; }

    /// <summary>
    /// SQL run on a connection, outside any transaction, before writes that must survive a power loss once
    /// committed (not only a crash of the process); null when every commit already does.
    /// </summary>
    string? DurableWritesSql { get; }

    /// <summary>
    /// Begins a transaction that no other serialised transaction on the same database (from any process) runs
    /// alongside; the next one waits until this one commits or rolls back.
    /// </summary>
    Task<DbTransaction> BeginSerializedTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Opens a (pooled) connection.</summary>
    ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);
}
