using System.Data.Common;
using Gatehouse.Store.Database;

namespace Gatehouse.Store.OAuth;

/// <summary>Reads and writes the rows of the OAuth tables; SQL common to both backends.</summary>
internal static class OAuthRows
{
    public const string ApplicationColumns =
        "id, client_id, client_secret, client_type, application_type, consent_type, display_name, display_names, permissions, " +
        "post_logout_redirect_uris, redirect_uris, requirements, settings, properties, concurrency_token";

    public const string AuthorizationColumns = "id, application_id, creation_date, scopes, status, subject, type, properties, concurrency_token";

    public const string TokenColumns =
        "id, application_id, authorization_id, creation_date, expiration_date, redemption_date, reference_id, status, subject, type, payload, " +
        "properties, concurrency_token";

    public static OAuthApplication ReadApplication(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        ClientId = r.GetString(1),
        ClientSecret = Text(r, 2),
        ClientType = Text(r, 3),
        ApplicationType = Text(r, 4),
        ConsentType = Text(r, 5),
        DisplayName = Text(r, 6),
        DisplayNames = Text(r, 7),
        Permissions = Text(r, 8),
        PostLogoutRedirectUris = Text(r, 9),
        RedirectUris = Text(r, 10),
        Requirements = Text(r, 11),
        Settings = Text(r, 12),
        Properties = Text(r, 13),
        ConcurrencyToken = r.GetString(14),
    };

    public static DbCommand WithApplication(this DbCommand command, OAuthApplication a) => command
        .With("@id", a.Id)
        .WithText("@client_id", a.ClientId)
        .WithText("@client_secret", a.ClientSecret)
        .WithText("@client_type", a.ClientType)
        .WithText("@application_type", a.ApplicationType)
        .WithText("@consent_type", a.ConsentType)
        .WithText("@display_name", StoredText.Storable(a.DisplayName))
        .WithText("@display_names", StoredText.Storable(a.DisplayNames))
        .WithText("@permissions", a.Permissions)
        .WithText("@post_logout_redirect_uris", StoredText.Storable(a.PostLogoutRedirectUris))
        .WithText("@redirect_uris", StoredText.Storable(a.RedirectUris))
        .WithText("@requirements", a.Requirements)
        .WithText("@settings", a.Settings)
        .WithText("@properties", StoredText.Storable(a.Properties));

    public static OAuthAuthorization ReadAuthorization(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        ApplicationId = Text(r, 1),
        CreationDate = r.GetTime(2),
        Scopes = Text(r, 3),
        Status = Text(r, 4),
        Subject = Text(r, 5),
        Type = Text(r, 6),
        Properties = Text(r, 7),
        ConcurrencyToken = r.GetString(8),
    };

    public static DbCommand WithAuthorization(this DbCommand command, OAuthAuthorization a) => command
        .With("@id", a.Id)
        .WithText("@application_id", a.ApplicationId)
        .WithTime("@creation_date", a.CreationDate)
        .WithText("@scopes", StoredText.Storable(a.Scopes))
        .WithText("@status", a.Status)
        .WithText("@subject", StoredText.Storable(a.Subject))
        .WithText("@type", a.Type)
        .WithText("@properties", StoredText.Storable(a.Properties));

    public static OAuthToken ReadToken(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        ApplicationId = Text(r, 1),
        AuthorizationId = Text(r, 2),
        CreationDate = r.GetTime(3),
        ExpirationDate = r.GetTime(4),
        RedemptionDate = r.GetTime(5),
        ReferenceId = Text(r, 6),
        Status = Text(r, 7),
        Subject = Text(r, 8),
        Type = Text(r, 9),
        Payload = Text(r, 10),
        Properties = Text(r, 11),
        ConcurrencyToken = r.GetString(12),
    };

    public static DbCommand WithToken(this DbCommand command, OAuthToken t) => command
        .With("@id", t.Id)
        .WithText("@application_id", t.ApplicationId)
        .WithText("@authorization_id", t.AuthorizationId)
        .WithTime("@creation_date", t.CreationDate)
        .WithTime("@expiration_date", t.ExpirationDate)
        .WithTime("@redemption_date", t.RedemptionDate)
        .WithText("@reference_id", t.ReferenceId)
        .WithText("@status", t.Status)
        .WithText("@subject", StoredText.Storable(t.Subject))
        .WithText("@type", t.Type)
        .WithText("@payload", t.Payload)
        .WithText("@properties", StoredText.Storable(t.Properties));

    /// <summary>Every row <paramref name="select"/> finds, read by <paramref name="read"/>.</summary>
    public static Task<List<T>> ListAsync<T>(StoreDatabase database, string sql, Func<DbCommand, DbCommand> parameters, Func<DbDataReader, T> read,
        CancellationToken cancellationToken) =>
        database.RunAsync(async (connection, ct) =>
        {
            await using var select = parameters(connection.CreateCommand(sql));
            await using var reader = await select.ExecuteReaderAsync(ct);
            var rows = new List<T>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(read(reader));
            }

            return rows;
        }, cancellationToken);

    /// <summary>Runs one statement and returns how many rows it changed.</summary>
    public static Task<int> ExecuteAsync(StoreDatabase database, string sql, Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken) =>
        database.RunAsync(async (connection, ct) =>
        {
            await using var command = parameters(connection.CreateCommand(sql));
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>
    /// Updates a row only if it still carries the concurrency token it was read with, and gives it a new one; false when
    /// another request changed or removed it first.
    /// </summary>
    public static async Task<bool> UpdateAsync(StoreDatabase database, string table, string assignments, string oldToken, string newToken,
        Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken) =>
        await ExecuteAsync(database,
            $"UPDATE {table} SET {assignments}, concurrency_token = @new_token WHERE id = @id AND concurrency_token = @old_token;",
            command => parameters(command).With("@new_token", newToken).With("@old_token", oldToken), cancellationToken) == 1;

    /// <summary>Runs one statement inside a caller's transaction and returns how many rows it changed.</summary>
    public static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand(sql, transaction);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The rows as OpenIddict enumerates them: read when the enumeration starts, not when it is asked for.</summary>
    public static async IAsyncEnumerable<T> Enumerate<T>(Func<Task<List<T>>> rows)
    {
        foreach (var row in await rows())
        {
            yield return row;
        }
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
