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
    /// For a writer that keeps its connection open and can wait for the disk apart from its commit: SQL that makes its
    /// commits only write, and what then puts them on disk. Null when commits go to the disk as they are, or when the
    /// operator chose that they need not.
    /// </summary>
    DeferredFlush? DeferredFlush { get; }

    /// <summary>
    /// Begins a transaction that no other serialised transaction on the same database (from any process) runs
    /// alongside; the next one waits until this one commits or rolls back.
    /// </summary>
    Task<DbTransaction> BeginSerializedTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Opens a (pooled) connection.</summary>
    ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);
}

/// <summary>How a kept connection's commits are written first and put on disk after (<see cref="IStoreBackend.DeferredFlush"/>).</summary>
/// <param name="WriteOnlySql">SQL run on the connection, outside any transaction, after which its commits only write.</param>
/// <param name="Open">Opens what flushes the connection's commits; call it once the connection has committed.</param>
/// <param name="Release">
/// Lets the connection go, never back to a pool as it is: a pooled connection that only writes would make another
/// writer's commits (a key's revocation) lose their flush.
/// </param>
internal sealed record DeferredFlush(string WriteOnlySql, Func<WriteAheadLogFlush> Open, Action<DbConnection> Release);
