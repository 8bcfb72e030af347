using Gatehouse.Store.Database;

namespace Gatehouse.Store.OAuth;

/// <summary>
/// When each client of the authorization server was last used (registered, or issued a code or token), and whether it
/// was ever issued one, so that clients nobody uses any more can be removed.
/// </summary>
public interface IOAuthClientUse
{
    /// <summary>
    /// Removes the client <paramref name="clientId"/>, with the consents people gave it, if no code or token of it is left
    /// and it was last used before <paramref name="unusedSince"/>, or was never issued a code or token and registered
    /// before <paramref name="neverIssuedSince"/>; true when it was removed. A client whose use was never recorded (one
    /// from before Gatehouse recorded it) counts from this call.
    /// </summary>
    Task<bool> RemoveIfUnusedAsync(string clientId, DateTimeOffset unusedSince, DateTimeOffset neverIssuedSince, CancellationToken cancellationToken);
}

/// <summary>The last use of clients, in the <c>last_used_at</c> column of <c>oauth_applications</c>.</summary>
internal sealed class OAuthClientUse(StoreDatabase database, TimeProvider time) : IOAuthClientUse
{
    /// <summary>How stale a recorded use may be before a new one is written: a client in use does not write at every token.</summary>
    public static readonly TimeSpan Resolution = TimeSpan.FromHours(1);

    public Task<bool> RemoveIfUnusedAsync(string clientId, DateTimeOffset unusedSince, DateTimeOffset neverIssuedSince, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        return database.RunSerializedAsync(async (connection, transaction, ct) =>
        {
            await OAuthRows.ExecuteAsync(connection, transaction, "UPDATE oauth_applications SET last_used_at = @now WHERE client_id = @client_id AND last_used_at IS NULL;",
                ct, ("@now", StoredTime.ToStored(time.GetUtcNow())), ("@client_id", clientId));
            await using var find = connection.CreateCommand(
                "SELECT id FROM oauth_applications WHERE client_id = @client_id " +
                "AND (last_used_at < @since OR (first_issued_at IS NULL AND last_used_at < @never_issued_since)) " +
                "AND NOT EXISTS (SELECT 1 FROM oauth_tokens WHERE oauth_tokens.application_id = oauth_applications.id);", transaction)
                .With("@client_id", clientId).With("@since", StoredTime.ToStored(unusedSince)).With("@never_issued_since", StoredTime.ToStored(neverIssuedSince));
            if (await find.ExecuteScalarAsync(ct) is not string id)
            {
                return false;
            }

            // Without tokens, an authorization is only a remembered consent: it goes with the client it names.
            await OAuthRows.ExecuteAsync(connection, transaction, "DELETE FROM oauth_authorizations WHERE application_id = @id;", ct, ("@id", id));
            return await OAuthRows.ExecuteAsync(connection, transaction, "DELETE FROM oauth_applications WHERE id = @id;", ct, ("@id", id)) == 1;
        }, cancellationToken);
    }
}
