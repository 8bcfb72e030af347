using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Store.Database;
using OpenIddict.Abstractions;

namespace Gatehouse.Store.OAuth;

/// <summary>
/// OpenIddict's codes and tokens in Gatehouse's store. A code or refresh token is redeemed by an update that names the
/// concurrency token it read, so that of two requests presenting it at once only one gets through.
/// </summary>
internal sealed class OAuthTokenStore(StoreDatabase database, TimeProvider time) : IOpenIddictTokenStore<OAuthToken>
{
    private const string Name = "token store";
    private const string Select = $"SELECT {OAuthRows.TokenColumns} FROM oauth_tokens";

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(async (connection, ct) =>
        {
            await using var count = connection.CreateCommand("SELECT COUNT(*) FROM oauth_tokens;");
            return Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, cancellationToken);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OAuthToken>, IQueryable<TResult?>> query, CancellationToken cancellationToken) =>
        throw OAuthJson.NoQueries(Name);

    public async ValueTask CreateAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.ApplicationId is { } application)
        {
            // Before the token, so that a client being used is never taken for an unused one; at most once an hour,
            // besides the first code or token, which marks the client as having been used at all.
            var now = time.GetUtcNow();
            await OAuthRows.ExecuteAsync(database,
                "UPDATE oauth_applications SET last_used_at = @now, first_issued_at = COALESCE(first_issued_at, @now) " +
                "WHERE id = @id AND (first_issued_at IS NULL OR last_used_at IS NULL OR last_used_at < @stale);",
                command => command.WithTime("@now", now).WithTime("@stale", now - OAuthClientUse.Resolution).With("@id", application), cancellationToken);
        }

        await OAuthRows.ExecuteAsync(database,
            $"INSERT INTO oauth_tokens ({OAuthRows.TokenColumns}) VALUES (@id, @application_id, @authorization_id, @creation_date, @expiration_date, " +
            "@redemption_date, @reference_id, @status, @subject, @type, @payload, @properties, @concurrency_token);",
            command => command.WithToken(token).With("@concurrency_token", token.ConcurrencyToken), cancellationToken);
    }

    public async ValueTask DeleteAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (await OAuthRows.ExecuteAsync(database, "DELETE FROM oauth_tokens WHERE id = @id AND concurrency_token = @token;",
            command => command.With("@id", token.Id).With("@token", token.ConcurrencyToken), cancellationToken) == 0)
        {
            throw OAuthJson.Changed("token");
        }
    }

    public IAsyncEnumerable<OAuthToken> FindAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(() =>
        {
            var (where, parameters) = OAuthFilter.Of(subject, client, status, type);
            return OAuthRows.ListAsync(database, $"{Select}{where} ORDER BY id;", parameters, OAuthRows.ReadToken, cancellationToken);
        });

    public IAsyncEnumerable<OAuthToken> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync(subject: null, client: identifier, status: null, type: null, cancellationToken);

    public IAsyncEnumerable<OAuthToken> FindByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(() => OAuthRows.ListAsync(database, $"{Select} WHERE authorization_id = @authorization_id ORDER BY id;",
            command => command.With("@authorization_id", identifier), OAuthRows.ReadToken, cancellationToken));

    public async ValueTask<OAuthToken?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        (await OAuthRows.ListAsync(database, $"{Select} WHERE id = @id;", command => command.With("@id", identifier), OAuthRows.ReadToken,
            cancellationToken)).SingleOrDefault();

    public async ValueTask<OAuthToken?> FindByReferenceIdAsync(string identifier, CancellationToken cancellationToken) =>
        (await OAuthRows.ListAsync(database, $"{Select} WHERE reference_id = @reference_id;", command => command.With("@reference_id", identifier),
            OAuthRows.ReadToken, cancellationToken)).SingleOrDefault();

    public IAsyncEnumerable<OAuthToken> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        FindAsync(subject, client: null, status: null, type: null, cancellationToken);

    public ValueTask<string?> GetApplicationIdAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.ApplicationId);

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OAuthToken>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw OAuthJson.NoQueries(Name);

    public ValueTask<string?> GetAuthorizationIdAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.AuthorizationId);

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.CreationDate);

    public ValueTask<DateTimeOffset?> GetExpirationDateAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.ExpirationDate);

    public ValueTask<string?> GetIdAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.Id);

    public ValueTask<string?> GetPayloadAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.Payload);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OAuthToken token, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadProperties(token.Properties));

    public ValueTask<DateTimeOffset?> GetRedemptionDateAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.RedemptionDate);

    public ValueTask<string?> GetReferenceIdAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.ReferenceId);

    public ValueTask<string?> GetStatusAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.Status);

    public ValueTask<string?> GetSubjectAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.Subject);

    public ValueTask<string?> GetTypeAsync(OAuthToken token, CancellationToken cancellationToken) => new(token.Type);

    public ValueTask<OAuthToken> InstantiateAsync(CancellationToken cancellationToken) => new(new OAuthToken());

    public IAsyncEnumerable<OAuthToken> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(async () => (await OAuthRows.ListAsync(database, $"{Select} ORDER BY id;", command => command, OAuthRows.ReadToken,
            cancellationToken)).Skip(offset ?? 0).Take(count ?? int.MaxValue).ToList());

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OAuthToken>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw OAuthJson.NoQueries(Name);

    // As OpenIddict's own stores prune: old tokens that are no longer good (used, revoked, expired, or of an authorization
    // that no longer stands).
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken) =>
        await OAuthRows.ExecuteAsync(database,
            "DELETE FROM oauth_tokens WHERE creation_date < @threshold AND (status IS NULL OR status NOT IN ('inactive', 'valid') " +
            "OR expiration_date < @now OR EXISTS (SELECT 1 FROM oauth_authorizations WHERE oauth_authorizations.id = oauth_tokens.authorization_id " +
            "AND (oauth_authorizations.status IS NULL OR oauth_authorizations.status <> 'valid')));",
            command => command.WithTime("@threshold", threshold).WithTime("@now", time.GetUtcNow()), cancellationToken);

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
    {
        var (where, parameters) = OAuthFilter.Of(subject, client, status, type);
        return await Revoke(where, parameters, cancellationToken);
    }

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        RevokeAsync(subject: null, client: identifier, status: null, type: null, cancellationToken);

    public ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken) =>
        Revoke(" WHERE authorization_id = @authorization_id", command => command.With("@authorization_id", identifier), cancellationToken);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        RevokeAsync(subject, client: null, status: null, type: null, cancellationToken);

    public ValueTask SetApplicationIdAsync(OAuthToken token, string? identifier, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.ApplicationId = identifier);

    public ValueTask SetAuthorizationIdAsync(OAuthToken token, string? identifier, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.AuthorizationId = identifier);

    public ValueTask SetCreationDateAsync(OAuthToken token, DateTimeOffset? date, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.CreationDate = date);

    public ValueTask SetExpirationDateAsync(OAuthToken token, DateTimeOffset? date, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.ExpirationDate = date);

    public ValueTask SetPayloadAsync(OAuthToken token, string? payload, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.Payload = payload);

    public ValueTask SetPropertiesAsync(OAuthToken token, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.Properties = OAuthJson.WriteProperties(properties));

    public ValueTask SetRedemptionDateAsync(OAuthToken token, DateTimeOffset? date, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.RedemptionDate = date);

    public ValueTask SetReferenceIdAsync(OAuthToken token, string? identifier, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.ReferenceId = identifier);

    public ValueTask SetStatusAsync(OAuthToken token, string? status, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.Status = status);

    public ValueTask SetSubjectAsync(OAuthToken token, string? subject, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.Subject = subject);

    public ValueTask SetTypeAsync(OAuthToken token, string? type, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => token.Type = type);

    public async ValueTask UpdateAsync(OAuthToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var next = OAuthIds.New();
        if (!await OAuthRows.UpdateAsync(database, "oauth_tokens",
            "application_id = @application_id, authorization_id = @authorization_id, creation_date = @creation_date, " +
            "expiration_date = @expiration_date, redemption_date = @redemption_date, reference_id = @reference_id, status = @status, " +
            "subject = @subject, type = @type, payload = @payload, properties = @properties",
            token.ConcurrencyToken, next, command => command.WithToken(token), cancellationToken))
        {
            throw OAuthJson.Changed("token");
        }

        token.ConcurrencyToken = next;
    }

    private async ValueTask<long> Revoke(string where, Func<DbCommand, DbCommand> parameters, CancellationToken cancellationToken) =>
        await OAuthRows.ExecuteAsync(database, $"UPDATE oauth_tokens SET status = 'revoked', concurrency_token = @new_token{where};",
            command => parameters(command).With("@new_token", OAuthIds.New()), cancellationToken);
}
