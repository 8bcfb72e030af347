using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.Store.Tests;

/// <summary>What every backend must do for OpenIddict: its managers over Gatehouse's stores, as the authorization server uses them.</summary>
public abstract class OAuthStoreContract<TDatabase> : StoreContract<TDatabase>
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task A_client_is_found_by_its_id_with_its_redirect_uris_and_its_secret_only_as_a_hash()
    {
        await using var services = Open();
        var applications = Manager<IOpenIddictApplicationManager>(services);

        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = "claude",
            ClientSecret = "a-secret-of-sixteen-or-more",
            ClientType = ClientTypes.Confidential,
            DisplayName = "Claude",
            RedirectUris = { new Uri("https://claude.ai/api/mcp/auth_callback") },
            Permissions = { Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.GrantTypes.AuthorizationCode },
        });

        var found = await Manager<IOpenIddictApplicationManager>(services).FindByClientIdAsync("claude");
        Assert.NotNull(found);
        Assert.Equal("Claude", await applications.GetDisplayNameAsync(found));
        Assert.True(await applications.ValidateRedirectUriAsync(found, "https://claude.ai/api/mcp/auth_callback"));
        Assert.False(await applications.ValidateRedirectUriAsync(found, "https://claude.ai/api/mcp/auth_callback/"));
        Assert.True(await applications.HasPermissionAsync(found, Permissions.GrantTypes.AuthorizationCode));
        Assert.True(await applications.ValidateClientSecretAsync(found, "a-secret-of-sixteen-or-more"));
        Assert.False(await applications.ValidateClientSecretAsync(found, "another-secret-of-sixteen"));
        var rows = await OpenStore().QueryAsync("SELECT client_secret FROM oauth_applications");
        Assert.DoesNotContain("a-secret-of-sixteen-or-more", (string)Assert.Single(rows)[0]!, StringComparison.Ordinal);
        Assert.Null(await applications.FindByClientIdAsync("cursor"));
    }

    [Fact]
    public async Task Of_two_requests_redeeming_one_code_at_once_only_one_succeeds()
    {
        await using var services = Open();
        var id = await CreateTokenAsync(services, TokenTypeIdentifiers.Private.AuthorizationCode, authorization: null);

        // Each request reads the code before either writes, as two requests racing with the same code would.
        var first = Manager<IOpenIddictTokenManager>(services);
        var second = Manager<IOpenIddictTokenManager>(services);
        var readByFirst = (await first.FindByIdAsync(id))!;
        var readBySecond = (await second.FindByIdAsync(id))!;

        Assert.True(await first.TryRedeemAsync(readByFirst));
        Assert.False(await second.TryRedeemAsync(readBySecond));
        var reread = Manager<IOpenIddictTokenManager>(services);
        Assert.True(await reread.HasStatusAsync((await reread.FindByIdAsync(id))!, Statuses.Redeemed));
    }

    [Fact]
    public async Task Revoking_an_authorization_revokes_every_token_issued_under_it_and_no_other()
    {
        await using var services = Open();
        var authorizations = Manager<IOpenIddictAuthorizationManager>(services);
        var authorization = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            Subject = "alice",
            Status = Statuses.Valid,
            Type = AuthorizationTypes.AdHoc,
            CreationDate = Start,
            Scopes = { Scopes.OfflineAccess },
        });
        var authorizationId = (await authorizations.GetIdAsync(authorization))!;
        var access = await CreateTokenAsync(services, TokenTypeIdentifiers.AccessToken, authorizationId);
        var refresh = await CreateTokenAsync(services, TokenTypeIdentifiers.RefreshToken, authorizationId);
        var other = await CreateTokenAsync(services, TokenTypeIdentifiers.RefreshToken, authorization: null);

        var tokens = Manager<IOpenIddictTokenManager>(services);
        Assert.Equal(2, await tokens.RevokeByAuthorizationIdAsync(authorizationId));

        foreach (var (id, status) in new[] { (access, Statuses.Revoked), (refresh, Statuses.Revoked), (other, Statuses.Valid) })
        {
            var fresh = Manager<IOpenIddictTokenManager>(services);
            Assert.Equal(status, await fresh.GetStatusAsync((await fresh.FindByIdAsync(id))!));
        }
    }

    [Fact]
    public async Task Authorizations_are_found_by_subject_client_status_type_and_scopes()
    {
        await using var services = Open();
        var client = await CreateClientAsync(services, "vscode");
        var authorizations = Manager<IOpenIddictAuthorizationManager>(services);
        await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = client,
            Subject = "alice",
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = Start,
            Scopes = { "mcp:listmonk", Scopes.OfflineAccess },
        });

        Assert.Single(await ToListAsync(authorizations.FindAsync("alice", client, Statuses.Valid, AuthorizationTypes.Permanent, ["mcp:listmonk"])));
        Assert.Empty(await ToListAsync(authorizations.FindAsync("alice", client, Statuses.Valid, AuthorizationTypes.Permanent, ["mcp:github"])));
        Assert.Empty(await ToListAsync(authorizations.FindAsync("bob", client, Statuses.Valid, AuthorizationTypes.Permanent, [])));
        Assert.Single(await ToListAsync(authorizations.FindBySubjectAsync("alice")));
    }

    [Fact]
    public async Task A_token_is_found_by_its_reference_id()
    {
        await using var services = Open();
        var tokens = Manager<IOpenIddictTokenManager>(services);
        await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            Subject = "alice",
            Type = TokenTypeIdentifiers.RefreshToken,
            Status = Statuses.Valid,
            ReferenceId = "reference-1",
            CreationDate = Start,
            ExpirationDate = Start.AddDays(14),
            Payload = "payload",
        });

        var found = await Manager<IOpenIddictTokenManager>(services).FindByReferenceIdAsync("reference-1");

        Assert.NotNull(found);
        Assert.Equal("alice", await tokens.GetSubjectAsync(found));
        Assert.Equal(Start.AddDays(14), await tokens.GetExpirationDateAsync(found));
        Assert.Null(await tokens.FindByReferenceIdAsync("reference-2"));
    }

    [Fact]
    public async Task Deleting_a_client_deletes_its_authorizations_and_tokens()
    {
        await using var services = Open();
        var client = await CreateClientAsync(services, "cursor");
        var authorizations = Manager<IOpenIddictAuthorizationManager>(services);
        var authorization = await authorizations.CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = client,
            Subject = "alice",
            Status = Statuses.Valid,
            Type = AuthorizationTypes.AdHoc,
            CreationDate = Start,
        });
        await CreateTokenAsync(services, TokenTypeIdentifiers.RefreshToken, (await authorizations.GetIdAsync(authorization))!, client);

        var applications = Manager<IOpenIddictApplicationManager>(services);
        await applications.DeleteAsync((await applications.FindByIdAsync(client))!);

        Assert.Equal(0, await Manager<IOpenIddictTokenManager>(services).CountAsync());
        Assert.Equal(0, await Manager<IOpenIddictAuthorizationManager>(services).CountAsync());
        Assert.Equal(0, await Manager<IOpenIddictApplicationManager>(services).CountAsync());
    }

    [Fact]
    public async Task Pruning_removes_old_tokens_that_are_no_longer_good_and_keeps_the_rest()
    {
        await using var services = Open();
        var redeemed = await CreateTokenAsync(services, TokenTypeIdentifiers.Private.AuthorizationCode, authorization: null);
        var tokens = Manager<IOpenIddictTokenManager>(services);
        Assert.True(await tokens.TryRedeemAsync((await tokens.FindByIdAsync(redeemed))!));
        var valid = await CreateTokenAsync(services, TokenTypeIdentifiers.RefreshToken, authorization: null);

        Assert.Equal(1, await Manager<IOpenIddictTokenManager>(services).PruneAsync(Start.AddMinutes(1)));

        Assert.Null(await Manager<IOpenIddictTokenManager>(services).FindByIdAsync(redeemed));
        Assert.NotNull(await Manager<IOpenIddictTokenManager>(services).FindByIdAsync(valid));
    }

    [Fact]
    public async Task A_client_unused_for_long_without_tokens_is_removed_with_its_consents_and_no_other()
    {
        var time = new FakeTimeProvider(Start);
        await using var services = Open(time);
        var unused = await CreateClientAsync(services, "unused");
        var withToken = await CreateClientAsync(services, "with-token");
        await CreateTokenAsync(services, TokenTypeIdentifiers.RefreshToken, authorization: null, withToken);
        await Manager<IOpenIddictAuthorizationManager>(services).CreateAsync(new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = unused,
            Subject = "alice",
            Status = Statuses.Valid,
            Type = AuthorizationTypes.Permanent,
            CreationDate = Start,
        });
        time.Advance(TimeSpan.FromDays(20));
        var recent = await CreateClientAsync(services, "recent");
        var use = services.GetRequiredService<Gatehouse.Store.OAuth.IOAuthClientUse>();

        var since = time.GetUtcNow() - TimeSpan.FromDays(10);
        Assert.True(await use.RemoveIfUnusedAsync("unused", since, since, CancellationToken.None));
        Assert.False(await use.RemoveIfUnusedAsync("with-token", since, since, CancellationToken.None));
        Assert.False(await use.RemoveIfUnusedAsync("recent", since, since, CancellationToken.None));
        Assert.False(await use.RemoveIfUnusedAsync("nobody", since, since, CancellationToken.None));

        var applications = Manager<IOpenIddictApplicationManager>(services);
        Assert.Null(await applications.FindByIdAsync(unused));
        Assert.NotNull(await applications.FindByIdAsync(withToken));
        Assert.NotNull(await applications.FindByIdAsync(recent));
        Assert.Equal(0, await Manager<IOpenIddictAuthorizationManager>(services).CountAsync());
    }

    [Fact]
    public async Task Issuing_a_token_counts_as_a_use_of_its_client()
    {
        var time = new FakeTimeProvider(Start);
        await using var services = Open(time);
        var client = await CreateClientAsync(services, "vscode");
        time.Advance(TimeSpan.FromDays(20));
        var token = await CreateTokenAsync(services, TokenTypeIdentifiers.Private.AuthorizationCode, authorization: null, client);
        var tokens = Manager<IOpenIddictTokenManager>(services);
        await tokens.DeleteAsync((await tokens.FindByIdAsync(token))!);
        var use = services.GetRequiredService<Gatehouse.Store.OAuth.IOAuthClientUse>();

        Assert.False(await use.RemoveIfUnusedAsync("vscode", time.GetUtcNow() - TimeSpan.FromDays(10), time.GetUtcNow() - TimeSpan.FromDays(10), CancellationToken.None));
        time.Advance(TimeSpan.FromDays(11));
        Assert.True(await use.RemoveIfUnusedAsync("vscode", time.GetUtcNow() - TimeSpan.FromDays(10), time.GetUtcNow() - TimeSpan.FromDays(10), CancellationToken.None));
    }

    [Fact]
    public async Task A_client_never_issued_a_code_or_token_is_removed_after_the_shorter_lifetime_and_one_issued_is_not()
    {
        var time = new FakeTimeProvider(Start);
        await using var services = Open(time);
        await CreateClientAsync(services, "abandoned");
        var issued = await CreateClientAsync(services, "issued");
        var token = await CreateTokenAsync(services, TokenTypeIdentifiers.Private.AuthorizationCode, authorization: null, issued);
        var tokens = Manager<IOpenIddictTokenManager>(services);
        await tokens.DeleteAsync((await tokens.FindByIdAsync(token))!);
        var use = services.GetRequiredService<Gatehouse.Store.OAuth.IOAuthClientUse>();
        time.Advance(TimeSpan.FromHours(2));
        var (since, neverIssuedSince) = (time.GetUtcNow() - TimeSpan.FromDays(30), time.GetUtcNow() - TimeSpan.FromHours(1));

        Assert.True(await use.RemoveIfUnusedAsync("abandoned", since, neverIssuedSince, CancellationToken.None));
        Assert.False(await use.RemoveIfUnusedAsync("issued", since, neverIssuedSince, CancellationToken.None));
        Assert.NotNull(await Manager<IOpenIddictApplicationManager>(services).FindByIdAsync(issued));
    }

    [Fact]
    public async Task A_client_from_before_use_was_recorded_counts_from_the_first_look()
    {
        var time = new FakeTimeProvider(Start);
        await using var services = Open(time);
        await CreateClientAsync(services, "old");
        await OpenStore().QueryAsync("UPDATE oauth_applications SET last_used_at = NULL");
        var use = services.GetRequiredService<Gatehouse.Store.OAuth.IOAuthClientUse>();

        Assert.False(await use.RemoveIfUnusedAsync("old", time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddDays(-1), CancellationToken.None));
        time.Advance(TimeSpan.FromDays(2));
        Assert.True(await use.RemoveIfUnusedAsync("old", time.GetUtcNow().AddDays(-1), time.GetUtcNow().AddDays(-1), CancellationToken.None));
    }

    [Fact]
    public async Task LINQ_queries_are_refused_with_a_clear_message()
    {
        await using var services = Open();
        var tokens = Manager<IOpenIddictTokenManager>(services);

        var error = await Assert.ThrowsAsync<NotSupportedException>(async () => await tokens.CountAsync(query => query.Where(_ => true)));

        Assert.Contains("does not run LINQ queries", error.Message, StringComparison.Ordinal);
    }

    private ServiceProvider Open(FakeTimeProvider? time = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(time ?? new FakeTimeProvider(Start.AddHours(1)))
            .AddGatehouseStore(Database.Use);
        services.AddOpenIddict().AddCore(core => core.UseGatehouseStore());
        return services.BuildServiceProvider();
    }

    // A manager of a scope of its own, as each request to the server has: nothing it caches is seen by another.
    private static T Manager<T>(ServiceProvider services) where T : notnull => services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private static async Task<string> CreateClientAsync(ServiceProvider services, string clientId)
    {
        var applications = Manager<IOpenIddictApplicationManager>(services);
        var application = await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientType = ClientTypes.Public,
            RedirectUris = { new Uri("http://127.0.0.1:33418/callback") },
        });
        return (await applications.GetIdAsync(application))!;
    }

    private static async Task<string> CreateTokenAsync(ServiceProvider services, string type, string? authorization, string? client = null)
    {
        var tokens = Manager<IOpenIddictTokenManager>(services);
        var token = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            ApplicationId = client,
            AuthorizationId = authorization,
            Subject = "alice",
            Type = type,
            Status = Statuses.Valid,
            CreationDate = Start,
            ExpirationDate = Start.AddDays(1),
        });
        return (await tokens.GetIdAsync(token))!;
    }

    private static async Task<List<object>> ToListAsync(IAsyncEnumerable<object> items)
    {
        var list = new List<object>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}

public sealed class SqliteOAuthStoreTests : OAuthStoreContract<SqliteTestDatabase>;

public sealed class PostgresOAuthStoreTests : OAuthStoreContract<PostgresTestDatabase>;
