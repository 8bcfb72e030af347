using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Store.Database;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Store.ApiKeys;

/// <summary>API keys in the shared store, one row per key; SQL common to both backends.</summary>
internal sealed partial class ApiKeyStore(StoreDatabase database, TimeProvider time, ILogger<ApiKeyStore> logger) : IApiKeyStore
{
    private const string Columns = "id, identity, roles, created_at, expires_at, revoked_at, last_used_at";

    // Recording every use would turn every request into a write, and SQLite has one writer for all processes;
    // a minute's precision still tells an operator which keys are in use.
    private static readonly TimeSpan s_lastUsedPrecision = TimeSpan.FromMinutes(1);

    public async Task<CreatedApiKey> CreateAsync(string identity, DateTimeOffset? expiresAt = null, IEnumerable<string>? roles = null,
        CancellationToken cancellationToken = default)
    {
        var now = StoredTime.Truncate(time.GetUtcNow());
        var (parsed, text) = ApiKeyFormat.Generate();
        var record = new ApiKeyRecord(parsed.Id, ApiKeyInput.Identity(identity), ApiKeyInput.Roles(roles), now,
            ApiKeyInput.ExpiresAt(expiresAt, now) is { } expiry ? StoredTime.Truncate(expiry) : null, RevokedAt: null, LastUsedAt: null);

        await database.RunAsync(async (connection, ct) =>
        {
            await using var insert = connection.CreateCommand(
                $"INSERT INTO api_keys ({Columns}, secret_hash) " +
                "VALUES (@id, @identity, @roles, @created_at, @expires_at, NULL, NULL, @secret_hash);");
            return await insert
                .With("@id", record.Id)
                .With("@identity", record.Identity)
                .With("@roles", JsonSerializer.Serialize(record.Roles))
                .WithTime("@created_at", record.CreatedAt)
                .WithTime("@expires_at", record.ExpiresAt)
                .With("@secret_hash", ApiKeySecretHash.Compute(parsed.Secret))
                .ExecuteNonQueryAsync(ct);
        }, cancellationToken);

        LogCreated(logger, record.Id, record.Identity);
        return new CreatedApiKey(record, text);
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        database.RunAsync<IReadOnlyList<ApiKeyRecord>>(async (connection, ct) =>
        {
            await using var select = connection.CreateCommand($"SELECT {Columns} FROM api_keys ORDER BY created_at, id;");
            await using var reader = await select.ExecuteReaderAsync(ct);
            var records = new List<ApiKeyRecord>();
            while (await reader.ReadAsync(ct))
            {
                records.Add(ReadRecord(reader));
            }

            return records;
        }, cancellationToken);

    public async Task<ApiKeyRevocation> RevokeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var now = time.GetUtcNow();
        var result = await database.RunAsync(async (connection, ct) =>
        {
            await using (var revoke = connection.CreateCommand("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL;"))
            {
                if (await revoke.WithTime("@now", now).With("@id", id).ExecuteNonQueryAsync(ct) == 1)
                {
                    return ApiKeyRevocation.Revoked;
                }
            }

            await using var exists = connection.CreateCommand("SELECT COUNT(*) FROM api_keys WHERE id = @id;");
            return Convert.ToInt64(await exists.With("@id", id).ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0
                ? ApiKeyRevocation.AlreadyRevoked
                : ApiKeyRevocation.NotFound;
        }, cancellationToken);

        if (result == ApiKeyRevocation.Revoked)
        {
            LogRevoked(logger, id);
        }

        return result;
    }

    public async Task<ApiKeyRecord?> VerifyAsync(string? presentedKey, CancellationToken cancellationToken = default)
    {
        if (ApiKeyFormat.TryParse(presentedKey) is not { } parsed)
        {
            LogRefused(logger, "-", "malformed");
            return null;
        }

        var presentedHash = ApiKeySecretHash.Compute(parsed.Secret);
        var found = await database.RunAsync((connection, ct) => FindAsync(connection, parsed.Id, ct), cancellationToken);
        if (found is not { } row)
        {
            LogRefused(logger, parsed.Id, "unknown id");
            return null;
        }

        var now = time.GetUtcNow();
        var refusal = !ApiKeySecretHash.Matches(presentedHash, row.SecretHash) ? "wrong secret"
            : row.Record.IsRevoked ? "revoked"
            : row.Record.IsExpiredAt(now) ? "expired"
            : null;
        if (refusal is not null)
        {
            LogRefused(logger, parsed.Id, refusal);
            return null;
        }

        return await NoteUseAsync(row.Record, now, cancellationToken);
    }

    private static async Task<(ApiKeyRecord Record, byte[] SecretHash)?> FindAsync(DbConnection connection, string id, CancellationToken ct)
    {
        await using var select = connection.CreateCommand($"SELECT {Columns}, secret_hash FROM api_keys WHERE id = @id;");
        await using var reader = await select.With("@id", id).ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (ReadRecord(reader), reader.GetFieldValue<byte[]>(7)) : null;
    }

    private async Task<ApiKeyRecord> NoteUseAsync(ApiKeyRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (record.LastUsedAt is { } lastUsed && now - lastUsed < s_lastUsedPrecision)
        {
            return record;
        }

        try
        {
            await database.RunAsync(async (connection, ct) =>
            {
                await using var update = connection.CreateCommand("UPDATE api_keys SET last_used_at = @now WHERE id = @id;");
                return await update.WithTime("@now", now).With("@id", record.Id).ExecuteNonQueryAsync(ct);
            }, cancellationToken);
            return record with { LastUsedAt = StoredTime.Truncate(now) };
        }
        catch (StoreUnavailableException)
        {
            // The key was checked against the store a moment ago; failing to note its use is no reason to
            // refuse the call. The connector has logged the failure.
            return record;
        }
    }

    private static ApiKeyRecord ReadRecord(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        JsonSerializer.Deserialize<string[]>(reader.GetString(2)) ?? [],
        StoredTime.FromStored(reader.GetInt64(3)),
        reader.GetTime(4),
        reader.GetTime(5),
        reader.GetTime(6));

    [LoggerMessage(Level = LogLevel.Information, Message = "Created API key {KeyId} for identity {Identity}")]
    private static partial void LogCreated(ILogger logger, string keyId, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked API key {KeyId}")]
    private static partial void LogRevoked(ILogger logger, string keyId);

    // Names the key id only: the presented text may be a real key with a typo, and must never be logged.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused API key {KeyId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string keyId, string reason);
}
