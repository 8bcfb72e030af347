using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Relay.Accounts;
using Gatehouse.Store.ApiKeys;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// An upstream that moves to another authorization server (its protected-resource metadata names the new one, and tokens
/// of the old one stop working): the person is asked to connect again, at the new one, and nothing of the old one's is
/// ever presented to the new.
/// </summary>
public sealed class UpstreamOAuthMigrationTests : IAsyncLifetime
{
    private const string Server = "remote";
    private const string Audience = "upstream-mcp";
    private const string UpstreamUser = "ada-upstream";

    private IdentityProvider _first = null!;
    private IdentityProvider _next = null!;
    private UpstreamProtection _protection = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _first = await IdentityProvider.StartAsync(Provider());
        _next = await IdentityProvider.StartAsync(Provider());
        _protection = new UpstreamProtection(_first.Issuer, Audience, _next.Issuer);
        _upstream = await TestServerHost.StartAsync(_protection);
        // Gatehouse registers itself at each: credentials of one authorization server are not assumed good at another.
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers((Server, Upstreams.Http(_upstream.McpUrl).With("oauth", new JsonObject()))), auth: []);
        _key = (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(RunningGateway.Identity)).Secret;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _next.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_person_connects_again_at_the_new_authorization_server_and_the_old_ones_tokens_never_reach_it(bool inSession)
    {
        var speaking = inSession ? RunningGateway.InSession() : null;
        await ConnectAtAsync(_first, speaking);
        var old = (await _gateway.Services.GetRequiredService<IUpstreamTokenVault>().GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        Assert.NotNull(old.RefreshToken);

        _protection.Moved = true;
        await ConnectAtAsync(_next, speaking);

        await using var client = await _gateway.ConnectAsync(Server, speaking, bearer: _key);
        Assert.Equal("moved", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "moved" })));

        var now = (await _gateway.Services.GetRequiredService<IUpstreamTokenVault>().GetAsync(RunningGateway.Identity, Server, CancellationToken.None))!;
        Assert.Contains(_protection.Seen, seen => seen.Token == now.AccessToken && seen.Subject == UpstreamUser);
        Assert.DoesNotContain(_next.Options.TokenRequests, request => request.RefreshToken == old.RefreshToken);
        Assert.All(_next.Options.TokenRequests, request => Assert.Equal("authorization_code", request.GrantType));
        var firstClients = _first.Options.Clients.Keys;
        Assert.DoesNotContain(_next.Options.Clients.Keys, firstClients.Contains);
    }

    private static IdentityProviderOptions Provider()
    {
        var options = new IdentityProviderOptions { Audience = Audience, DynamicRegistration = true };
        options.Users[UpstreamUser] = [];
        return options;
    }

    /// <summary>Is refused with a link (no account yet, or the server moved), opens it, and signs in at <paramref name="provider"/>.</summary>
    private async Task ConnectAtAsync(IdentityProvider provider, McpClientOptions? speaking)
    {
        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, speaking, bearer: _key));
        var (status, page) = await UpstreamBrowser.ConnectAsync(UpstreamBrowser.LinkIn(refusal.Message), provider, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);
    }
}
