using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Relay.Accounts;
using Gatehouse.Store.UpstreamTokens;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// An upstream that requires OAuth (the test server, accepting only the test provider's tokens for its audience) behind
/// the gateway: people connect their own accounts in a browser, and each one's calls go upstream with their own token.
/// </summary>
public sealed class UpstreamOAuthTests : IAsyncLifetime
{
    private const string Server = "remote";
    private const string Audience = "upstream-mcp";
    private const string UpstreamUser = "ada-upstream";
    private const string OtherUpstreamUser = "grace-upstream";
    private const string SessionRevision = "2025-11-25";
    private const string SessionlessRevision = "2026-07-28";

    private readonly TestDirectory _policies = new();
    private IdentityProvider _provider = null!;
    private UpstreamProtection _protection = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private string _key = null!;
    private string _otherKey = null!;

    public async Task InitializeAsync()
    {
        var options = new IdentityProviderOptions { Audience = Audience };
        options.Users[UpstreamUser] = [];
        options.Users[OtherUpstreamUser] = [];
        _provider = await IdentityProvider.StartAsync(options);
        _protection = new UpstreamProtection(_provider.Issuer, Audience);
        _upstream = await TestServerHost.StartAsync(_protection);
        var oauth = new JsonObject { ["clientId"] = "gatehouse", ["clientSecret"] = "gatehouse-upstream-secret", ["authorizationServer"] = _provider.Issuer.AbsoluteUri };
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers((Server, Upstreams.Http(_upstream.McpUrl).With("oauth", oauth))),
            auth: [], extraGrants: [SecondIdentity.Grant(_policies, "other", Server)]);
        // The gateway's address is known once it listens: the client is registered with its callback then, as an operator would.
        options.Clients["gatehouse"] = new ProviderClient("gatehouse", "gatehouse-upstream-secret", [new Uri(_gateway.BaseUrl, "/connect/callback")], []);
        (_key, _otherKey) = await SecondIdentity.KeysAsync(_gateway);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _provider.DisposeAsync();
        _policies.Dispose();
    }

    [Fact]
    public async Task A_person_without_a_connected_account_is_refused_with_a_link_to_connect_it()
    {
        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, bearer: _key));

        Assert.Contains($"Identity '{RunningGateway.Identity}' has not connected an account on server '{Server}'", refusal.Message, StringComparison.Ordinal);
        var link = UpstreamBrowser.LinkIn(refusal.Message);
        Assert.Equal(_gateway.BaseUrl.Authority, link.Authority);
        Assert.Equal($"/connect/{Server}", link.AbsolutePath);
        Assert.DoesNotContain(_protection.Seen, seen => seen.Subject is not null);
    }

    [Theory]
    [InlineData(SessionRevision)]
    [InlineData(SessionlessRevision)]
    public async Task A_connected_person_calls_through_with_their_own_upstream_token_never_the_clients(string revision)
    {
        await ConnectAsync(_key, UpstreamUser);

        await using var client = await _gateway.ConnectAsync(Server, Speaking(revision), bearer: _key);
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "with my own token" });

        Assert.Equal("with my own token", Text(echo));
        Assert.Contains(_protection.Seen, seen => seen.Subject == UpstreamUser && seen.Version == revision);
        Assert.DoesNotContain(_protection.Seen, seen => seen.Token.Contains(_key, StringComparison.Ordinal));
        Assert.All(_protection.Seen, seen => Assert.True(seen.Subject is UpstreamUser or null, $"A request upstream was {seen.Subject}'s."));
    }

    [Fact]
    public async Task Upstream_tokens_are_kept_in_the_store_sealed()
    {
        await ConnectAsync(_key, UpstreamUser);

        var tokens = (await _gateway.Services.GetRequiredService<IUpstreamTokenVault>().GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        var row = await _gateway.Services.GetRequiredService<IUpstreamTokenStore>().FindAsync(RunningGateway.Identity, Server);

        Assert.NotNull(row);
        Assert.DoesNotContain(tokens.AccessToken, row, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken!, row, StringComparison.Ordinal);
        Assert.DoesNotContain("\"", row, StringComparison.Ordinal);

        // A row copied under another identity (someone who can write the database) unseals as nothing.
        await _gateway.Services.GetRequiredService<IUpstreamTokenStore>().SaveAsync(SecondIdentity.Name, Server, row);
        Assert.Null(await _gateway.Services.GetRequiredService<IUpstreamTokenVault>().GetAsync(SecondIdentity.Name, Server, CancellationToken.None));
    }

    [Fact]
    public async Task One_persons_upstream_token_is_never_used_for_another()
    {
        await ConnectAsync(_key, UpstreamUser);
        var other = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, bearer: _otherKey));
        Assert.Contains($"Identity '{SecondIdentity.Name}' has not connected", other.Message, StringComparison.Ordinal);

        await ConnectAsync(_otherKey, OtherUpstreamUser);
        var before = _protection.Seen.Count;
        await using var client = await _gateway.ConnectAsync(Server, bearer: _otherKey);
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "mine" });

        var theirs = _protection.Seen.Skip(before).ToList();
        Assert.NotEmpty(theirs);
        Assert.All(theirs, seen => Assert.Equal(OtherUpstreamUser, seen.Subject));
    }

    [Theory]
    [InlineData(SessionRevision)]
    [InlineData(SessionlessRevision)]
    public async Task An_expired_upstream_token_is_refreshed_and_the_new_one_kept(string revision)
    {
        await ConnectAsync(_key, UpstreamUser);
        var vault = _gateway.Services.GetRequiredService<IUpstreamTokenVault>();
        var connected = (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        Assert.NotNull(connected.RefreshToken);
        connected.ObtainedAt = DateTimeOffset.UtcNow.AddHours(-2);
        connected.ExpiresIn = 60;
        await vault.StoreAsync(RunningGateway.Identity, Server, connected, CancellationToken.None);

        await using var client = await _gateway.ConnectAsync(Server, Speaking(revision), bearer: _key);
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "after expiry" });

        var refreshed = (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        Assert.NotEqual(connected.AccessToken, refreshed.AccessToken);
        Assert.Contains(_protection.Seen, seen => seen.Token == refreshed.AccessToken && seen.Subject == UpstreamUser && seen.Version == revision);
    }

    [Theory]
    [InlineData(SessionRevision)]
    [InlineData(SessionlessRevision)]
    public async Task An_access_token_the_upstream_refuses_before_its_time_is_refreshed_and_the_request_sent_again(string revision)
    {
        await ConnectAsync(_key, UpstreamUser);
        var vault = _gateway.Services.GetRequiredService<IUpstreamTokenVault>();
        var connected = (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        connected.AccessToken = "revoked-upstream";
        await vault.StoreAsync(RunningGateway.Identity, Server, connected, CancellationToken.None);

        await using var client = await _gateway.ConnectAsync(Server, Speaking(revision), bearer: _key);
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "refreshed" });

        Assert.Equal("refreshed", Text(echo));
        var refreshed = (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        Assert.NotEqual("revoked-upstream", refreshed.AccessToken);
        Assert.Contains(_protection.Seen, seen => seen.Token == refreshed.AccessToken && seen.Subject == UpstreamUser && seen.Version == revision);
    }

    [Theory]
    [InlineData(SessionRevision)]
    [InlineData(SessionlessRevision)]
    public async Task Tokens_the_upstream_no_longer_takes_and_that_do_not_refresh_lead_to_the_link_again(string revision)
    {
        await ConnectAsync(_key, UpstreamUser);
        var vault = _gateway.Services.GetRequiredService<IUpstreamTokenVault>();
        var connected = (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        connected.AccessToken = "revoked-upstream";
        connected.RefreshToken = "revoked-upstream-refresh";
        await vault.StoreAsync(RunningGateway.Identity, Server, connected, CancellationToken.None);

        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, Speaking(revision), bearer: _key));

        Assert.Contains($"Identity '{RunningGateway.Identity}' has not connected an account on server '{Server}'", refusal.Message, StringComparison.Ordinal);
        var (status, page) = await UpstreamBrowser.ConnectAsync(UpstreamBrowser.LinkIn(refusal.Message), _provider, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);
        await using var client = await _gateway.ConnectAsync(Server, Speaking(revision), bearer: _key);
        Assert.Equal("again", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "again" })));
    }

    [Theory]
    [InlineData(SessionRevision)]
    [InlineData(SessionlessRevision)]
    public async Task A_call_that_needs_more_scope_asks_the_person_to_allow_it_and_then_goes_through(string revision)
    {
        await ConnectAsync(_key, UpstreamUser);
        var vault = _gateway.Services.GetRequiredService<IUpstreamTokenVault>();
        var before = (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        _protection.CallScope = IdentityProviderOptions.StepUpScope;
        await using var client = await _gateway.ConnectAsync(Server, Speaking(revision), bearer: _key);

        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "more" }).AsTask());

        var wanted = before.Scope!.Split(' ').Append(IdentityProviderOptions.StepUpScope).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains("connect the account again to allow scope", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(IdentityProviderOptions.StepUpScope, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(before.AccessToken, (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!.AccessToken);
        var (status, page) = await UpstreamBrowser.ConnectAsync(UpstreamBrowser.LinkIn(refusal.Message), _provider, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);

        // The same session (or client) goes on, with the new token, which holds the old scopes and the new one.
        Assert.Equal("more", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "more" })));
        var after = (await vault.GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        Assert.Equal(wanted, after.Scope!.Split(' ').Order(StringComparer.Ordinal));
        Assert.Contains(_protection.Seen, seen => seen.Token == after.AccessToken && seen.Subject == UpstreamUser);
        Assert.DoesNotContain(_protection.Seen, seen => seen.Token.Contains(_key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_asks_for_more_scope_once_and_does_not_loop_on_a_server_that_keeps_refusing()
    {
        await ConnectAsync(_key, UpstreamUser);
        _protection.CallScope = IdentityProviderOptions.StepUpScope;
        await using var client = await _gateway.ConnectAsync(Server, RunningGateway.InSession(), bearer: _key);
        var echo = new Dictionary<string, object?> { ["message"] = "x" };

        var first = await Assert.ThrowsAnyAsync<McpException>(() => client.CallToolAsync("echo", echo).AsTask());
        var second = await Assert.ThrowsAnyAsync<McpException>(() => client.CallToolAsync("echo", echo).AsTask());

        // Asked once; the same challenge again, with nothing new allowed meanwhile, fails rather than asking on and on.
        Assert.Contains("/connect/", first.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/connect/", second.Message, StringComparison.Ordinal);
        Assert.NotEmpty(await client.ListToolsAsync());
    }

    [Fact]
    public async Task A_client_that_takes_url_elicitations_is_handed_the_link_as_one()
    {
        var options = RunningGateway.InSession(new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Url = new UrlElicitationCapability() } },
        });

        var refusal = await Assert.ThrowsAsync<UrlElicitationRequiredException>(() => _gateway.ConnectAsync(Server, options, bearer: _key));

        var elicitation = Assert.Single(refusal.Elicitations);
        Assert.Equal("url", elicitation.Mode);
        var link = new Uri(elicitation.Url!);
        Assert.Equal($"/connect/{Server}", link.AbsolutePath);
        var (status, page) = await UpstreamBrowser.ConnectAsync(link, _provider, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);
    }

    [Fact]
    public async Task A_client_that_takes_url_elicitations_is_handed_the_link_for_more_scope_as_one_mid_session()
    {
        await ConnectAsync(_key, UpstreamUser);
        _protection.CallScope = IdentityProviderOptions.StepUpScope;
        await using var client = await _gateway.ConnectAsync(Server, RunningGateway.InSession(new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Url = new UrlElicitationCapability() } },
        }), bearer: _key);

        var refusal = await Assert.ThrowsAsync<UrlElicitationRequiredException>(() => client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "x" }).AsTask());

        var (status, page) = await UpstreamBrowser.ConnectAsync(new Uri(Assert.Single(refusal.Elicitations).Url!), _provider, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);
        Assert.Equal("elicited", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "elicited" })));
    }

    [Fact]
    public async Task A_link_for_one_server_or_a_forged_one_connects_nothing()
    {
        var link = UpstreamBrowser.LinkIn((await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, bearer: _key))).Message);
        using var http = new HttpClient();

        using var forged = await http.GetAsync(new Uri(_gateway.BaseUrl, $"/connect/{Server}?ticket=not-a-ticket"));
        using var elsewhere = await http.GetAsync(new Uri(_gateway.BaseUrl, $"/connect/other{link.Query}"));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
    }

    [Fact]
    public async Task A_person_connects_through_the_consoles_link_sees_it_and_disconnecting_deletes_their_tokens_audited()
    {
        var connections = _gateway.Services.GetRequiredService<IUpstreamConnections>();
        Assert.False(Assert.Single(await connections.ListAsync(RunningGateway.Identity, CancellationToken.None)).Connected);
        Assert.Null(connections.ConnectLink(_gateway.BaseUrl, "nowhere", RunningGateway.Identity));

        var (status, page) = await UpstreamBrowser.ConnectAsync(new Uri(connections.ConnectLink(_gateway.BaseUrl, Server, RunningGateway.Identity)!),
            _provider, UpstreamUser);

        Assert.True(status == HttpStatusCode.OK, page);
        var connected = Assert.Single(await connections.ListAsync(RunningGateway.Identity, CancellationToken.None));
        Assert.True(connected is { Server: Server, Connected: true, TokensUpdatedAt: not null }, connected.ToString());
        Assert.False(Assert.Single(await connections.ListAsync(SecondIdentity.Name, CancellationToken.None)).Connected);
        // Someone else's account is not theirs to disconnect; nothing held, nothing recorded.
        Assert.False(await connections.DisconnectAsync(SecondIdentity.Name, Server, CancellationToken.None));

        Assert.True(await connections.DisconnectAsync(RunningGateway.Identity, Server, CancellationToken.None));

        Assert.Null(await _gateway.Services.GetRequiredService<IUpstreamTokenVault>().GetAsync(RunningGateway.Identity, Server, CancellationToken.None));
        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, bearer: _key));
        Assert.Contains("has not connected an account", refusal.Message, StringComparison.Ordinal);
        var records = (await _gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Admin }, default)).Records;
        var disconnected = Assert.Single(records, r => r.Event.Decision == AuditDecisions.UpstreamDisconnected);
        Assert.Equal((RunningGateway.Identity, Server), (disconnected.Event.Identity, disconnected.Event.Server));
    }

    /// <summary>A client of the session revision (2025, initialize), or of the session-less one, which the SDK speaks by default.</summary>
    private static McpClientOptions? Speaking(string revision) => revision == SessionRevision ? RunningGateway.InSession() : null;

    private async Task ConnectAsync(string key, string upstreamUser)
    {
        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, bearer: key));
        var (status, page) = await UpstreamBrowser.ConnectAsync(UpstreamBrowser.LinkIn(refusal.Message), _provider, upstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);
        Assert.Contains("is now connected", page, StringComparison.Ordinal);
    }
}
