using Gatehouse.Store.Database;

namespace Gatehouse.Store.UpstreamTokens;

/// <summary>Upstream tokens in the shared store, one row per identity and server; SQL common to both backends.</summary>
internal sealed class UpstreamTokenStore(StoreDatabase database, TimeProvider time) : IUpstreamTokenStore
{
    public Task<string?> FindAsync(string identity, string server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(server);
        return database.RunAsync(async (connection, ct) =>
        {
            await using var select = connection.CreateCommand("SELECT sealed FROM upstream_tokens WHERE identity = @identity AND server = @server;");
            return await select.With("@identity", identity).With("@server", server).ExecuteScalarAsync(ct) as string;
        }, cancellationToken);
    }

    public Task SaveAsync(string identity, string server, string sealedTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(sealedTokens);

        // One statement, so that two refreshes of the same account at once leave one whole row, never a mix.
        return database.RunAsync(async (connection, ct) =>
        {
            await using var upsert = connection.CreateCommand(
                "INSERT INTO upstream_tokens (identity, server, sealed, updated_at) VALUES (@identity, @server, @sealed, @now) " +
                "ON CONFLICT (identity, server) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at;");
            return await upsert.With("@identity", identity).With("@server", server).With("@sealed", sealedTokens)
                .WithTime("@now", time.GetUtcNow()).ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public async Task<bool> ReplaceAsync(string identity, string server, string sealedTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(sealedTokens);

        // An update and never an insert: a refresh that ends after the person disconnected does not connect them again.
        var replaced = await database.RunAsync(async (connection, ct) =>
        {
            await using var update = connection.CreateCommand(
                "UPDATE upstream_tokens SET sealed = @sealed, updated_at = @now WHERE identity = @identity AND server = @server;");
            return await update.With("@identity", identity).With("@server", server).With("@sealed", sealedTokens)
                .WithTime("@now", time.GetUtcNow()).ExecuteNonQueryAsync(ct);
        }, cancellationToken).ConfigureAwait(false);
        return replaced > 0;
    }

    public async Task<bool> RemoveAsync(string identity, string server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(server);
        var removed = await database.RunAsync(async (connection, ct) =>
        {
            await using var delete = connection.CreateCommand("DELETE FROM upstream_tokens WHERE identity = @identity AND server = @server;");
            return await delete.With("@identity", identity).With("@server", server).ExecuteNonQueryAsync(ct);
        }, cancellationToken).ConfigureAwait(false);
        return removed > 0;
    }

    public Task<IReadOnlyList<UpstreamAccount>> ListAsync(string? identity = null, CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<UpstreamAccount>>(async (connection, ct) =>
        {
            await using var select = connection.CreateCommand(identity is null
                ? "SELECT identity, server, updated_at FROM upstream_tokens ORDER BY identity, server;"
                : "SELECT identity, server, updated_at FROM upstream_tokens WHERE identity = @identity ORDER BY identity, server;");
            if (identity is not null)
            {
                select.With("@identity", identity);
            }

            await using var reader = await select.ExecuteReaderAsync(ct);
            var accounts = new List<UpstreamAccount>();
            while (await reader.ReadAsync(ct))
            {
                accounts.Add(new UpstreamAccount(reader.GetString(0), reader.GetString(1), reader.GetTime(2)!.Value));
            }

            return accounts;
        }, cancellationToken);
}
