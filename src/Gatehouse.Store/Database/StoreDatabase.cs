using System.Data.Common;
using Gatehouse.Store.Migrations;

namespace Gatehouse.Store.Database;

/// <summary>
/// The entry point of every store: runs work on a connection once the schema is current. The schema is
/// brought up to date on first use rather than at start-up, so that a process started while the database is
/// down answers "store unavailable" and recovers by itself once the database is back.
/// </summary>
internal sealed class StoreDatabase(StoreConnector connector, StoreMigrator migrator, IStoreBackend backend)
{
    private readonly Lock _lock = new();
    private Task? _migration;

    public async Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken);
        return await connector.RunAsync(work, cancellationToken);
    }

    /// <summary>
    /// Runs work in one serialised transaction (<see cref="IStoreBackend.BeginSerializedTransactionAsync"/>) and
    /// commits it so that it survives a power cut: what it decided is what every process sharing the store sees.
    /// </summary>
    public Task<T> RunSerializedAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken) =>
        RunAsync(async (connection, ct) =>
        {
            await MakeWritesDurableAsync(connection, ct);
            return await InSerializedTransactionAsync(connection, (transaction, t) => work(connection, transaction, t), ct);
        }, cancellationToken);

    public StoreBackendKind Kind => backend.Kind;

    /// <inheritdoc cref="IStoreBackend.DeferredFlush"/>
    public DeferredFlush? DeferredFlush => backend.DeferredFlush;

    /// <summary>
    /// A connection of the caller's own, to keep open (for a writer that writes often), once the schema is current
    /// and with writes made durable as <see cref="RunSerializedAsync{T}"/> makes them.
    /// </summary>
    public async Task<DbConnection> OpenKeptConnectionAsync(CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken);
        return await connector.TranslateAsync(async () =>
        {
            var connection = await backend.OpenConnectionAsync(cancellationToken);
            try
            {
                await MakeWritesDurableAsync(connection, cancellationToken);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>Runs work on a connection the caller keeps, in one serialised transaction, its failures told as <see cref="StoreUnavailableException"/>.</summary>
    public Task<T> RunSerializedOnAsync<T>(DbConnection connection, Func<DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        connector.TranslateAsync(() => InSerializedTransactionAsync(connection, work, cancellationToken), cancellationToken);

    private async Task MakeWritesDurableAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (backend.DurableWritesSql is { } durable)
        {
            await connection.ExecuteAsync(durable, cancellationToken);
        }
    }

    private async Task<T> InSerializedTransactionAsync<T>(DbConnection connection, Func<DbTransaction, CancellationToken, Task<T>> work,
        CancellationToken cancellationToken)
    {
        await using var transaction = await backend.BeginSerializedTransactionAsync(connection, cancellationToken);
        var result = await work(transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    // Callers arriving while a migration runs share it, and share its failure: during an outage each request
    // fails after one connection attempt instead of queueing behind everyone else's. A failed migration is
    // retried by the next caller; the shared attempt ignores any one caller's cancellation.
    private Task EnsureMigratedAsync(CancellationToken cancellationToken)
    {
        Task migration;
        lock (_lock)
        {
            if (_migration is null || _migration.IsFaulted || _migration.IsCanceled)
            {
                _migration = migrator.MigrateAsync(CancellationToken.None);
            }

            migration = _migration;
        }

        return migration.IsCompletedSuccessfully ? Task.CompletedTask : migration.WaitAsync(cancellationToken);
    }
}
