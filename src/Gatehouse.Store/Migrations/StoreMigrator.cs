using System.Data.Common;
using System.Globalization;
using Gatehouse.Store.Database;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Store.Migrations;

/// <summary>Applies <see cref="StoreMigrations"/> to the configured database, safely from several processes at once.</summary>
internal sealed partial class StoreMigrator : IStoreMigrator
{
    // Both backends accept this DDL as written.
    private const string CreateHistorySql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at BIGINT  NOT NULL
        );
        """;

    private readonly StoreConnector _connector;
    private readonly IStoreBackend _backend;
    private readonly TimeProvider _time;
    private readonly ILogger<StoreMigrator> _logger;
    private readonly IReadOnlyList<Migration> _migrations;

    public StoreMigrator(StoreConnector connector, IStoreBackend backend, TimeProvider time, ILogger<StoreMigrator> logger)
        : this(connector, backend, time, logger, StoreMigrations.All)
    {
    }

    internal StoreMigrator(StoreConnector connector, IStoreBackend backend, TimeProvider time, ILogger<StoreMigrator> logger,
        IReadOnlyList<Migration> migrations)
    {
        _connector = connector;
        _backend = backend;
        _time = time;
        _logger = logger;
        _migrations = migrations;
    }

    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default) =>
        _connector.RunAsync<IReadOnlyList<int>>(async (connection, ct) =>
        {
            if (_backend.PrepareSql is { } prepare)
            {
                await connection.ExecuteAsync(prepare, ct);
            }

            var recorded = (await ReadHistoryAsync(connection, ct)).ToHashSet();
            WarnAboutUnknownVersions(recorded);

            var applied = new List<int>();
            foreach (var migration in _migrations.Where(m => !recorded.Contains(m.Version)))
            {
                if (await ApplyAsync(connection, migration, ct))
                {
                    applied.Add(migration.Version);
                }
            }

            return applied;
        }, cancellationToken);

    public Task<IReadOnlyList<int>> GetAppliedVersionsAsync(CancellationToken cancellationToken = default) =>
        _connector.RunAsync(ReadHistoryAsync, cancellationToken);

    private async Task<IReadOnlyList<int>> ReadHistoryAsync(DbConnection connection, CancellationToken ct)
    {
        await using var transaction = await _backend.BeginSerializedTransactionAsync(connection, ct);
        await connection.ExecuteAsync(CreateHistorySql, ct, transaction);
        await using var command = connection.CreateCommand("SELECT version FROM schema_migrations ORDER BY version;", transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var versions = new List<int>();
        while (await reader.ReadAsync(ct))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        await reader.DisposeAsync();
        await transaction.CommitAsync(ct);
        return versions;
    }

    private async Task<bool> ApplyAsync(DbConnection connection, Migration migration, CancellationToken ct)
    {
        await using var transaction = await _backend.BeginSerializedTransactionAsync(connection, ct);

        // Another process may have applied it between our read and our lock.
        await using (var check = connection.CreateCommand("SELECT COUNT(*) FROM schema_migrations WHERE version = @version;", transaction))
        {
            check.With("@version", migration.Version);
            if (Convert.ToInt64(await check.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
        }

        await connection.ExecuteAsync(migration.SqlFor(_backend.Kind), ct, transaction);
        await using (var record = connection.CreateCommand(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @applied_at);", transaction))
        {
            await record.With("@version", migration.Version).With("@name", migration.Name)
                .WithTime("@applied_at", _time.GetUtcNow()).ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        LogApplied(_logger, migration.Version, migration.Name, _backend.Description);
        return true;
    }

    private void WarnAboutUnknownVersions(HashSet<int> recorded)
    {
        var newest = _migrations.Count == 0 ? 0 : _migrations.Max(m => m.Version);
        var unknown = recorded.Where(v => v > newest).Order().ToList();
        if (unknown.Count > 0)
        {
            LogNewerSchema(_logger, _backend.Description, string.Join(", ", unknown));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied store migration {Version} ({Name}) to {Store}")]
    private static partial void LogApplied(ILogger logger, int version, string name, string store);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The store ({Store}) has migrations this Gatehouse does not know ({Versions}); it was migrated by a newer version")]
    private static partial void LogNewerSchema(ILogger logger, string store, string versions);
}
