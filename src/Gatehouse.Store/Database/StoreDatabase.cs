using System.Data.Common;
using Gatehouse.Store.Migrations;

namespace Gatehouse.Store.Database;

/// <summary>
/// The entry point of every store: runs work on a connection once the schema is current. The schema is
/// brought up to date on first use rather than at start-up, so that a process started while the database is
/// down answers "store unavailable" and recovers by itself once the database is back.
/// </summary>
internal sealed class StoreDatabase(StoreConnector connector, StoreMigrator migrator)
{
    private readonly Lock _lock = new();
    private Task? _migration;

    public async Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureMigratedAsync(cancellationToken);
        return await connector.RunAsync(work, cancellationToken);
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
