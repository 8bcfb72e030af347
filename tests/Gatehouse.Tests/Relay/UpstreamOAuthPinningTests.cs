using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Relay.Accounts;
using Gatehouse.Store.ApiKeys;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// Pre-registered credentials go to the authorization server of <c>authorizationServer</c> alone: an upstream whose metadata
/// names another (a hostile one, or one it moved to) gets no flow there, so that server never sees the client secret.
/// </summary>
public sealed class UpstreamOAuthPinningTests : IAsyncLifetime
{
    private const string Server = "remote";
    private const string Audience = "upstream-mcp";
    private const string UpstreamUser = "ada-upstream";
    private const string Secret = "gatehouse-upstream-secret";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly IdentityProviderOptions _firstOptions = Provider();
    private readonly IdentityProviderOptions _otherOptions = Provider();
    private IdentityProvider _first = null!;
    private IdentityProvider _other = null!;
    private UpstreamProtection _protection = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private string _key = null!;

    public async Task InitializeAsync()
    {
        _first = await IdentityProvider.StartAsync(_firstOptions);
        _other = await IdentityProvider.StartAsync(_otherOptions);
        _protection = new UpstreamProtection(_first.Issuer, Audience, _other.Issuer);
        _upstream = await TestServerHost.StartAsync(_protection);
        var oauth = new JsonObject { ["clientId"] = "gatehouse", ["clientSecret"] = Secret, ["authorizationServer"] = _first.Issuer.AbsoluteUri };
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers((Server, Upstreams.Http(_upstream.McpUrl).With("oauth", oauth))), auth: []);
        // The other server would take the client as its own (a hostile one accepts anything): only the pin keeps the secret from it.
        foreach (var options in new[] { _firstOptions, _otherOptions })
        {
            options.Clients["gatehouse"] = new ProviderClient("gatehouse", Secret, [new Uri(_gateway.BaseUrl, "/connect/callback")], []);
        }

        _key = (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(RunningGateway.Identity)).Secret;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _other.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task Connecting_at_an_upstream_that_names_another_authorization_server_fails_before_any_request_there()
    {
        _protection.Moved = true;
        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, bearer: _key));

        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var page = await browser.GetAsync(UpstreamBrowser.LinkIn(refusal.Message)).WaitAsync(s_wait);

        var text = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.BadGateway, $"{(int)page.StatusCode}: {text}");
        Assert.Contains("authorizationServer", text, StringComparison.Ordinal);
        Assert.Empty(_otherOptions.TokenRequests);
        Assert.Null(await _gateway.Services.GetRequiredService<IUpstreamTokenVault>().GetAsync(RunningGateway.Identity, Server, CancellationToken.None));
    }

    [Fact]
    public async Task A_connected_person_whose_upstream_moves_to_another_authorization_server_sends_it_nothing()
    {
        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server, bearer: _key));
        var (status, page) = await UpstreamBrowser.ConnectAsync(UpstreamBrowser.LinkIn(refusal.Message), _first, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);
        await using (var client = await _gateway.ConnectAsync(Server, bearer: _key))
        {
            Assert.Equal("pinned", Text(await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "pinned" })));
        }

        _protection.Moved = true;
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await _gateway.ConnectAsync(Server, bearer: _key);
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "moved" });
        }).WaitAsync(s_wait);

        Assert.Empty(_otherOptions.TokenRequests);
        Assert.NotEmpty(_firstOptions.TokenRequests);
    }

    private static IdentityProviderOptions Provider()
    {
        var options = new IdentityProviderOptions { Audience = Audience };
        options.Users[UpstreamUser] = [];
        return options;
    }
}
