using System.Data.Common;
using Npgsql;

namespace Gatehouse.Store.Database;

/// <summary>A PostgreSQL database, shared by every replica.</summary>
internal sealed class PostgresBackend : IStoreBackend, IAsyncDisposable, IDisposable
{
    // Any fixed number works; it only has to be the same in every Gatehouse process.
    private const long SerializationLockKey = 0x6761_7465_686F_7573; // "gatehous"

    private readonly NpgsqlDataSource _dataSource;

    public PostgresBackend(string connectionString, TimeSpan timeout)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = seconds,
            CommandTimeout = seconds,
            // A timed-out command is not also waited on for its cancellation: a server that hangs would not answer that either.
            CancellationTimeout = -1,
        };
        Description = $"PostgreSQL at {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public StoreBackendKind Kind => StoreBackendKind.Postgres;

    public string Description { get; }

    public string? PrepareSql => null;

    // A commit returns once its WAL is flushed, unless the operator turned synchronous_commit off for the server.
    public string? DurableWritesSql => null;

    public DeferredFlush? DeferredFlush => null;

    // A transaction-scoped advisory lock: released by the commit or rollback, and by the server if the process dies.
    public async Task<DbTransaction> BeginSerializedTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync($"SELECT pg_advisory_xact_lock({SerializationLockKey});", cancellationToken, transaction);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
