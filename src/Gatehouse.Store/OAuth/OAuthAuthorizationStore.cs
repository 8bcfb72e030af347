using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Store.Database;
using OpenIddict.Abstractions;

namespace Gatehouse.Store.OAuth;

/// <summary>OpenIddict's authorizations (what a person let a client do) in Gatehouse's store.</summary>
internal sealed class OAuthAuthorizationStore(StoreDatabase database) : IOpenIddictAuthorizationStore<OAuthAuthorization>
{
    private const string Name = "authorization store";
    private const string Select = $"SELECT {OAuthRows.AuthorizationColumns} FROM oauth_authorizations";

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(async (connection, ct) =>
        {
            await using var count = connection.CreateCommand("SELECT COUNT(*) FROM oauth_authorizations;");
            return Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, cancellationToken);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OAuthAuthorization>, IQueryable<TResult?>> query, CancellationToken cancellationToken) =>
        throw OAuthJson.NoQueries(Name);

    public async ValueTask CreateAsync(OAuthAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        await OAuthRows.ExecuteAsync(database,
            $"INSERT INTO oauth_authorizations ({OAuthRows.AuthorizationColumns}) " +
            "VALUES (@id, @application_id, @creation_date, @scopes, @status, @subject, @type, @properties, @concurrency_token);",
            command => command.WithAuthorization(authorization).With("@concurrency_token", authorization.ConcurrencyToken), cancellationToken);
    }

    public async ValueTask DeleteAsync(OAuthAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var deleted = await database.RunSerializedAsync(async (connection, transaction, ct) =>
        {
            await OAuthRows.ExecuteAsync(connection, transaction, "DELETE FROM oauth_tokens WHERE authorization_id = @id;", ct, ("@id", authorization.Id));
            return await OAuthRows.ExecuteAsync(connection, transaction, "DELETE FROM oauth_authorizations WHERE id = @id AND concurrency_token = @token;", ct,
                ("@id", authorization.Id), ("@token", authorization.ConcurrencyToken));
        }, cancellationToken);
        if (deleted == 0)
        {
            throw OAuthJson.Changed("authorization");
        }
    }

    public IAsyncEnumerable<OAuthAuthorization> FindAsync(string? subject, string? client, string? status, string? type, ImmutableArray<string>? scopes,
        CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(async () =>
        {
            var (where, parameters) = OAuthFilter.Of(subject, client, status, type);
            var found = await OAuthRows.ListAsync(database, $"{Select}{where} ORDER BY id;", parameters, OAuthRows.ReadAuthorization, cancellationToken);
            // Scopes are a JSON list: the ones asked for must all be among them.
            return scopes is not { IsDefaultOrEmpty: false } wanted ? found
                : found.Where(a => OAuthJson.ReadList(a.Scopes).ToHashSet(StringComparer.Ordinal).IsSupersetOf(wanted)).ToList();
        });

    public IAsyncEnumerable<OAuthAuthorization> FindByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(() => OAuthRows.ListAsync(database, $"{Select} WHERE application_id = @application_id ORDER BY id;",
            command => command.With("@application_id", identifier), OAuthRows.ReadAuthorization, cancellationToken));

    public async ValueTask<OAuthAuthorization?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        (await OAuthRows.ListAsync(database, $"{Select} WHERE id = @id;", command => command.With("@id", identifier), OAuthRows.ReadAuthorization,
            cancellationToken)).SingleOrDefault();

    public IAsyncEnumerable<OAuthAuthorization> FindBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(() => OAuthRows.ListAsync(database, $"{Select} WHERE subject = @subject ORDER BY id;",
            command => command.With("@subject", subject), OAuthRows.ReadAuthorization, cancellationToken));

    public ValueTask<string?> GetApplicationIdAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) => new(authorization.ApplicationId);

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OAuthAuthorization>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw OAuthJson.NoQueries(Name);

    public ValueTask<DateTimeOffset?> GetCreationDateAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        new(authorization.CreationDate);

    public ValueTask<string?> GetIdAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Id);

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadProperties(authorization.Properties));

    public ValueTask<ImmutableArray<string>> GetScopesAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadList(authorization.Scopes));

    public ValueTask<string?> GetStatusAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Status);

    public ValueTask<string?> GetSubjectAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Subject);

    public ValueTask<string?> GetTypeAsync(OAuthAuthorization authorization, CancellationToken cancellationToken) => new(authorization.Type);

    public ValueTask<OAuthAuthorization> InstantiateAsync(CancellationToken cancellationToken) => new(new OAuthAuthorization());

    public IAsyncEnumerable<OAuthAuthorization> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(async () => (await OAuthRows.ListAsync(database, $"{Select} ORDER BY id;", command => command, OAuthRows.ReadAuthorization,
            cancellationToken)).Skip(offset ?? 0).Take(count ?? int.MaxValue).ToList());

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OAuthAuthorization>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw OAuthJson.NoQueries(Name);

    // As OpenIddict's own stores prune: old authorizations that no longer stand, and old ad-hoc ones no token refers to.
    public async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken) =>
        await database.RunSerializedAsync(async (connection, transaction, ct) =>
        {
            const string Doomed = "SELECT id FROM oauth_authorizations WHERE creation_date < @threshold AND (status IS NULL OR status <> 'valid' " +
                "OR (type = 'ad-hoc' AND NOT EXISTS (SELECT 1 FROM oauth_tokens WHERE oauth_tokens.authorization_id = oauth_authorizations.id)))";
            var cutoff = StoredTime.ToStored(threshold);
            await OAuthRows.ExecuteAsync(connection, transaction, $"DELETE FROM oauth_tokens WHERE authorization_id IN ({Doomed});", ct,
                ("@threshold", cutoff));
            return (long)await OAuthRows.ExecuteAsync(connection, transaction, $"DELETE FROM oauth_authorizations WHERE id IN ({Doomed});", ct,
                ("@threshold", cutoff));
        }, cancellationToken);

    public async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
    {
        var (where, parameters) = OAuthFilter.Of(subject, client, status, type);
        return await OAuthRows.ExecuteAsync(database, $"UPDATE oauth_authorizations SET status = 'revoked', concurrency_token = @new_token{where};",
            command => parameters(command).With("@new_token", OAuthIds.New()), cancellationToken);
    }

    public ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken) =>
        RevokeAsync(subject: null, client: identifier, status: null, type: null, cancellationToken);

    public ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken) =>
        RevokeAsync(subject, client: null, status: null, type: null, cancellationToken);

    public ValueTask SetApplicationIdAsync(OAuthAuthorization authorization, string? identifier, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => authorization.ApplicationId = identifier);

    public ValueTask SetCreationDateAsync(OAuthAuthorization authorization, DateTimeOffset? date, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => authorization.CreationDate = date);

    public ValueTask SetPropertiesAsync(OAuthAuthorization authorization, ImmutableDictionary<string, JsonElement> properties,
        CancellationToken cancellationToken) => OAuthFilter.Set(() => authorization.Properties = OAuthJson.WriteProperties(properties));

    public ValueTask SetScopesAsync(OAuthAuthorization authorization, ImmutableArray<string> scopes, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => authorization.Scopes = OAuthJson.WriteList(scopes));

    public ValueTask SetStatusAsync(OAuthAuthorization authorization, string? status, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => authorization.Status = status);

    public ValueTask SetSubjectAsync(OAuthAuthorization authorization, string? subject, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => authorization.Subject = subject);

    public ValueTask SetTypeAsync(OAuthAuthorization authorization, string? type, CancellationToken cancellationToken) =>
        OAuthFilter.Set(() => authorization.Type = type);

    public async ValueTask UpdateAsync(OAuthAuthorization authorization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        var token = OAuthIds.New();
        if (!await OAuthRows.UpdateAsync(database, "oauth_authorizations",
            "application_id = @application_id, creation_date = @creation_date, scopes = @scopes, status = @status, subject = @subject, type = @type, " +
            "properties = @properties",
            authorization.ConcurrencyToken, token, command => command.WithAuthorization(authorization), cancellationToken))
        {
            throw OAuthJson.Changed("authorization");
        }

        authorization.ConcurrencyToken = token;
    }
}
