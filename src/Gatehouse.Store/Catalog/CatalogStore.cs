using System.Data.Common;
using Gatehouse.Catalog;
using Gatehouse.Store.Database;

namespace Gatehouse.Store.Catalog;

/// <summary>The tool catalog in the shared store; SQL common to both backends.</summary>
internal sealed class CatalogStore(StoreDatabase database) : ICatalogStore
{
    private const string VersionColumns = "v.server, v.kind, v.name, v.hash, v.definition, v.first_seen, v.last_seen";

    public Task<ServerCatalog> LoadAsync(string server, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        return RunAsync(async (connection, ct) =>
        {
            List<CatalogItem> current;
            await using (var select = connection.CreateCommand(
                $"SELECT {VersionColumns} FROM catalog_current c JOIN catalog_versions v " +
                "ON v.server = c.server AND v.kind = c.kind AND v.name = c.name AND v.hash = c.hash WHERE c.server = @server ORDER BY v.kind, v.name;"))
            {
                current = await ReadItemsAsync(select.With("@server", StoredText.Storable(server)), ct);
            }

            var pins = new Dictionary<string, ToolPin>(StringComparer.Ordinal);
            await using (var select = connection.CreateCommand(
                "SELECT server, tool, hash, pinned_at, pinned_by, reviewed FROM catalog_pins WHERE server = @server;"))
            {
                select.With("@server", StoredText.Storable(server));
                await using var reader = await select.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var pin = new ToolPin(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetTime(3)!.Value,
                        reader.GetString(4), reader.GetInt64(5) != 0);
                    pins[pin.Tool] = pin;
                }
            }

            return new ServerCatalog(current, pins);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ListedItem>> RecordListingAsync(string server, CatalogKind kind, IReadOnlyList<ListedItem> items, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(items);
        var stored = StoredText.Storable(server);
        var kindName = CatalogKinds.Name(kind);

        // A server that lists one name twice is recorded with the last, as a client would read it.
        var distinct = items.GroupBy(item => StoredText.Storable(item.Name), StringComparer.Ordinal).Select(group => group.Last() with { Name = group.Key }).ToList();
        return WriteAsync<IReadOnlyList<ListedItem>>(async (connection, transaction, ct) =>
        {
            var added = new List<ListedItem>();
            foreach (var item in distinct)
            {
                await using var insert = connection.CreateCommand(
                    "INSERT INTO catalog_versions (server, kind, name, hash, definition, first_seen, last_seen) " +
                    "VALUES (@server, @kind, @name, @hash, @definition, @now, @now) ON CONFLICT (server, kind, name, hash) DO NOTHING;", transaction);
                var inserted = await insert.With("@server", stored).With("@kind", kindName).With("@name", item.Name).With("@hash", item.Hash)
                    .With("@definition", StoredText.Storable(item.Definition)).WithTime("@now", now).ExecuteNonQueryAsync(ct);
                if (inserted == 1)
                {
                    added.Add(item);
                    continue;
                }

                await using var seen = connection.CreateCommand(
                    "UPDATE catalog_versions SET last_seen = @now WHERE server = @server AND kind = @kind AND name = @name AND hash = @hash;", transaction);
                await seen.WithTime("@now", now).With("@server", stored).With("@kind", kindName).With("@name", item.Name).With("@hash", item.Hash)
                    .ExecuteNonQueryAsync(ct);
            }

            await using (var clear = connection.CreateCommand("DELETE FROM catalog_current WHERE server = @server AND kind = @kind;", transaction))
            {
                await clear.With("@server", stored).With("@kind", kindName).ExecuteNonQueryAsync(ct);
            }

            foreach (var item in distinct)
            {
                await using var current = connection.CreateCommand(
                    "INSERT INTO catalog_current (server, kind, name, hash) VALUES (@server, @kind, @name, @hash);", transaction);
                await current.With("@server", stored).With("@kind", kindName).With("@name", item.Name).With("@hash", item.Hash).ExecuteNonQueryAsync(ct);
            }

            return added;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ToolPin>> PinFirstSeenAsync(IReadOnlyList<ToolPin> pins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pins);
        return WriteAsync<IReadOnlyList<ToolPin>>(async (connection, transaction, ct) =>
        {
            var pinned = new List<ToolPin>();
            foreach (var pin in pins)
            {
                await using var insert = PinCommand(connection, transaction, pin, "DO NOTHING");
                if (await insert.ExecuteNonQueryAsync(ct) == 1)
                {
                    pinned.Add(pin);
                }
            }

            return pinned;
        }, cancellationToken);
    }

    public Task AcceptAsync(ToolPin pin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pin);
        return WriteAsync(async (connection, transaction, ct) =>
        {
            await using var upsert = PinCommand(connection, transaction, pin,
                "DO UPDATE SET hash = excluded.hash, pinned_at = excluded.pinned_at, pinned_by = excluded.pinned_by, reviewed = excluded.reviewed");
            return await upsert.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<CatalogItem>> HistoryAsync(string server, CatalogKind kind, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(name);
        return RunAsync<IReadOnlyList<CatalogItem>>(async (connection, ct) =>
        {
            await using var select = connection.CreateCommand(
                $"SELECT {VersionColumns} FROM catalog_versions v WHERE v.server = @server AND v.kind = @kind AND v.name = @name " +
                "ORDER BY v.first_seen DESC, v.hash;");
            return await ReadItemsAsync(select.With("@server", StoredText.Storable(server)).With("@kind", CatalogKinds.Name(kind))
                .With("@name", StoredText.Storable(name)), ct);
        }, cancellationToken);
    }

    private static DbCommand PinCommand(DbConnection connection, DbTransaction transaction, ToolPin pin, string onConflict) =>
        connection.CreateCommand(
            "INSERT INTO catalog_pins (server, tool, hash, pinned_at, pinned_by, reviewed) " +
            $"VALUES (@server, @tool, @hash, @pinned_at, @pinned_by, @reviewed) ON CONFLICT (server, tool) {onConflict};", transaction)
            .With("@server", StoredText.Storable(pin.Server))
            .With("@tool", StoredText.Storable(pin.Tool))
            .With("@hash", pin.Hash)
            .WithTime("@pinned_at", pin.PinnedAt)
            .With("@pinned_by", StoredText.Storable(pin.PinnedBy))
            .With("@reviewed", pin.Reviewed ? 1 : 0);

    private static async Task<List<CatalogItem>> ReadItemsAsync(DbCommand select, CancellationToken cancellationToken)
    {
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var items = new List<CatalogItem>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new CatalogItem(reader.GetString(0), CatalogKinds.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetTime(5)!.Value, reader.GetTime(6)!.Value));
        }

        return items;
    }

    private Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        StoreFailures.Translated(database.RunSerializedAsync(work, cancellationToken), Unavailable);

    private Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        StoreFailures.Translated(database.RunAsync(work, cancellationToken), Unavailable);

    private static CatalogUnavailableException Unavailable(string message, Exception inner) => new(message, inner);
}
