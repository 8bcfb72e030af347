using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Gatehouse.Store.Database;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;

namespace Gatehouse.Store.OAuth;

/// <summary>OpenIddict's clients in Gatehouse's store (SQLite or PostgreSQL).</summary>
internal sealed class OAuthApplicationStore(StoreDatabase database, TimeProvider time) : IOpenIddictApplicationStore<OAuthApplication>
{
    private const string Name = "application store";

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await database.RunAsync(async (connection, ct) =>
        {
            await using var count = connection.CreateCommand("SELECT COUNT(*) FROM oauth_applications;");
            return Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }, cancellationToken);

    public ValueTask<long> CountAsync<TResult>(Func<IQueryable<OAuthApplication>, IQueryable<TResult?>> query, CancellationToken cancellationToken) =>
        throw OAuthJson.NoQueries(Name);

    public async ValueTask CreateAsync(OAuthApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        await OAuthRows.ExecuteAsync(database,
            $"INSERT INTO oauth_applications ({OAuthRows.ApplicationColumns}, last_used_at) VALUES (@id, @client_id, @client_secret, @client_type, " +
            "@application_type, @consent_type, @display_name, @display_names, @permissions, @post_logout_redirect_uris, @redirect_uris, @requirements, " +
            "@settings, @properties, @concurrency_token, @last_used_at);",
            command => command.WithApplication(application).With("@concurrency_token", application.ConcurrencyToken)
                .WithTime("@last_used_at", time.GetUtcNow()), cancellationToken);
    }

    // A client's codes, tokens and authorizations go with it, in one transaction, so that none outlives it.
    public async ValueTask DeleteAsync(OAuthApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var deleted = await database.RunSerializedAsync(async (connection, transaction, ct) =>
        {
            await OAuthRows.ExecuteAsync(connection, transaction, "DELETE FROM oauth_tokens WHERE application_id = @id OR authorization_id IN " +
                "(SELECT id FROM oauth_authorizations WHERE application_id = @id);", ct, ("@id", application.Id));
            await OAuthRows.ExecuteAsync(connection, transaction, "DELETE FROM oauth_authorizations WHERE application_id = @id;", ct, ("@id", application.Id));
            return await OAuthRows.ExecuteAsync(connection, transaction, "DELETE FROM oauth_applications WHERE id = @id AND concurrency_token = @token;", ct,
                ("@id", application.Id), ("@token", application.ConcurrencyToken));
        }, cancellationToken);
        if (deleted == 0)
        {
            throw OAuthJson.Changed("client");
        }
    }

    public async ValueTask<OAuthApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        (await OAuthRows.ListAsync(database, $"SELECT {OAuthRows.ApplicationColumns} FROM oauth_applications WHERE id = @id;",
            command => command.With("@id", identifier), OAuthRows.ReadApplication, cancellationToken)).SingleOrDefault();

    public async ValueTask<OAuthApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken) =>
        (await OAuthRows.ListAsync(database, $"SELECT {OAuthRows.ApplicationColumns} FROM oauth_applications WHERE client_id = @client_id;",
            command => command.With("@client_id", identifier), OAuthRows.ReadApplication, cancellationToken)).SingleOrDefault();

    // Asked only at sign-out, rarely: every client is read rather than the JSON lists searched in two SQL dialects.
    public IAsyncEnumerable<OAuthApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(async () => (await AllAsync(cancellationToken))
            .Where(a => OAuthJson.ReadList(a.PostLogoutRedirectUris).Contains(uri, StringComparer.Ordinal)).ToList());

    public IAsyncEnumerable<OAuthApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(async () => (await AllAsync(cancellationToken))
            .Where(a => OAuthJson.ReadList(a.RedirectUris).Contains(uri, StringComparer.Ordinal)).ToList());

    public ValueTask<TResult?> GetAsync<TState, TResult>(Func<IQueryable<OAuthApplication>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw OAuthJson.NoQueries(Name);

    public ValueTask<string?> GetApplicationTypeAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.ApplicationType);

    public ValueTask<string?> GetClientIdAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.ClientId);

    public ValueTask<string?> GetClientSecretAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.ClientSecret);

    public ValueTask<string?> GetClientTypeAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.ClientType);

    public ValueTask<string?> GetConsentTypeAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.ConsentType);

    public ValueTask<string?> GetDisplayNameAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.DisplayName);

    public ValueTask<ImmutableDictionary<CultureInfo, string>> GetDisplayNamesAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadNames(application.DisplayNames));

    public ValueTask<string?> GetIdAsync(OAuthApplication application, CancellationToken cancellationToken) => new(application.Id);

    // Clients that authenticate with signed assertions (private_key_jwt) are not offered yet: none has a key set.
    public ValueTask<JsonWebKeySet?> GetJsonWebKeySetAsync(OAuthApplication application, CancellationToken cancellationToken) => new((JsonWebKeySet?)null);

    public ValueTask<ImmutableArray<string>> GetPermissionsAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadList(application.Permissions));

    public ValueTask<ImmutableArray<string>> GetPostLogoutRedirectUrisAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadList(application.PostLogoutRedirectUris));

    public ValueTask<ImmutableDictionary<string, JsonElement>> GetPropertiesAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadProperties(application.Properties));

    public ValueTask<ImmutableArray<string>> GetRedirectUrisAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadList(application.RedirectUris));

    public ValueTask<ImmutableArray<string>> GetRequirementsAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadList(application.Requirements));

    public ValueTask<ImmutableDictionary<string, string>> GetSettingsAsync(OAuthApplication application, CancellationToken cancellationToken) =>
        new(OAuthJson.ReadSettings(application.Settings));

    public ValueTask<OAuthApplication> InstantiateAsync(CancellationToken cancellationToken) => new(new OAuthApplication());

    public IAsyncEnumerable<OAuthApplication> ListAsync(int? count, int? offset, CancellationToken cancellationToken) =>
        OAuthRows.Enumerate(async () => (await AllAsync(cancellationToken)).Skip(offset ?? 0).Take(count ?? int.MaxValue).ToList());

    public IAsyncEnumerable<TResult> ListAsync<TState, TResult>(Func<IQueryable<OAuthApplication>, TState, IQueryable<TResult>> query, TState state,
        CancellationToken cancellationToken) => throw OAuthJson.NoQueries(Name);

    public ValueTask SetApplicationTypeAsync(OAuthApplication application, string? type, CancellationToken cancellationToken) =>
        Set(() => application.ApplicationType = type);

    public ValueTask SetClientIdAsync(OAuthApplication application, string? identifier, CancellationToken cancellationToken) =>
        Set(() => application.ClientId = identifier);

    public ValueTask SetClientSecretAsync(OAuthApplication application, string? secret, CancellationToken cancellationToken) =>
        Set(() => application.ClientSecret = secret);

    public ValueTask SetClientTypeAsync(OAuthApplication application, string? type, CancellationToken cancellationToken) =>
        Set(() => application.ClientType = type);

    public ValueTask SetConsentTypeAsync(OAuthApplication application, string? type, CancellationToken cancellationToken) =>
        Set(() => application.ConsentType = type);

    public ValueTask SetDisplayNameAsync(OAuthApplication application, string? name, CancellationToken cancellationToken) =>
        Set(() => application.DisplayName = name);

    public ValueTask SetDisplayNamesAsync(OAuthApplication application, ImmutableDictionary<CultureInfo, string> names, CancellationToken cancellationToken) =>
        Set(() => application.DisplayNames = OAuthJson.WriteNames(names));

    public ValueTask SetJsonWebKeySetAsync(OAuthApplication application, JsonWebKeySet? set, CancellationToken cancellationToken) =>
        set is null || set.Keys.Count == 0
            ? ValueTask.CompletedTask
            : throw new NotSupportedException("Clients that sign their own assertions (a JSON Web Key Set) are not supported by Gatehouse yet.");

    public ValueTask SetPermissionsAsync(OAuthApplication application, ImmutableArray<string> permissions, CancellationToken cancellationToken) =>
        Set(() => application.Permissions = OAuthJson.WriteList(permissions));

    public ValueTask SetPostLogoutRedirectUrisAsync(OAuthApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken) =>
        Set(() => application.PostLogoutRedirectUris = OAuthJson.WriteList(uris));

    public ValueTask SetPropertiesAsync(OAuthApplication application, ImmutableDictionary<string, JsonElement> properties, CancellationToken cancellationToken) =>
        Set(() => application.Properties = OAuthJson.WriteProperties(properties));

    public ValueTask SetRedirectUrisAsync(OAuthApplication application, ImmutableArray<string> uris, CancellationToken cancellationToken) =>
        Set(() => application.RedirectUris = OAuthJson.WriteList(uris));

    public ValueTask SetRequirementsAsync(OAuthApplication application, ImmutableArray<string> requirements, CancellationToken cancellationToken) =>
        Set(() => application.Requirements = OAuthJson.WriteList(requirements));

    public ValueTask SetSettingsAsync(OAuthApplication application, ImmutableDictionary<string, string> settings, CancellationToken cancellationToken) =>
        Set(() => application.Settings = OAuthJson.WriteSettings(settings));

    public async ValueTask UpdateAsync(OAuthApplication application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        var token = OAuthIds.New();
        if (!await OAuthRows.UpdateAsync(database, "oauth_applications",
            "client_id = @client_id, client_secret = @client_secret, client_type = @client_type, application_type = @application_type, " +
            "consent_type = @consent_type, display_name = @display_name, display_names = @display_names, permissions = @permissions, " +
            "post_logout_redirect_uris = @post_logout_redirect_uris, redirect_uris = @redirect_uris, requirements = @requirements, " +
            "settings = @settings, properties = @properties",
            application.ConcurrencyToken, token, command => command.WithApplication(application), cancellationToken))
        {
            throw OAuthJson.Changed("client");
        }

        application.ConcurrencyToken = token;
    }

    private Task<List<OAuthApplication>> AllAsync(CancellationToken cancellationToken) =>
        OAuthRows.ListAsync(database, $"SELECT {OAuthRows.ApplicationColumns} FROM oauth_applications ORDER BY id;", command => command,
            OAuthRows.ReadApplication, cancellationToken);

    private static ValueTask Set(Action assign)
    {
        assign();
        return ValueTask.CompletedTask;
    }
}
