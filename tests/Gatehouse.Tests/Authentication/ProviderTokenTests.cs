using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.TestServer;

namespace Gatehouse.Tests.Authentication;

/// <summary>
/// Access tokens of a real OpenID Connect provider (keys from its discovery document), as people get them: the roles in
/// the token decide the admin API, and a refreshed token is as good as the first.
/// </summary>
public sealed class ProviderTokenTests : IAsyncLifetime
{
    private static readonly ProviderClient s_client =
        new("agent-app", "agent-app-secret", [new Uri("http://127.0.0.1:1/callback")], []);

    private IdentityProvider _provider = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        var options = new IdentityProviderOptions();
        options.Users["ada"] = ["admin"];
        options.Users["eve"] = [];
        options.Clients[s_client.ClientId] = s_client;
        _provider = await IdentityProvider.StartAsync(options);
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = _provider.Issuer.AbsoluteUri, ["audience"] = options.Audience } });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task An_admins_token_and_its_refreshed_successor_open_the_admin_api()
    {
        var tokens = await _provider.SignInAsync(s_client, "ada");
        Assert.Equal(HttpStatusCode.OK, await KeysStatusAsync(tokens.AccessToken));

        var refreshed = await _provider.RefreshAsync(s_client, tokens.RefreshToken!);

        Assert.NotEqual(tokens.AccessToken, refreshed.AccessToken);
        Assert.Equal(HttpStatusCode.OK, await KeysStatusAsync(refreshed.AccessToken));
    }

    [Fact]
    public async Task A_token_without_the_admin_role_is_refused_the_admin_api()
    {
        var tokens = await _provider.SignInAsync(s_client, "eve");

        Assert.Equal(HttpStatusCode.Forbidden, await KeysStatusAsync(tokens.AccessToken));
    }

    private async Task<HttpStatusCode> KeysStatusAsync(string accessToken)
    {
        using var http = new HttpClient { BaseAddress = _gateway.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await http.GetAsync("/admin/v1/keys");
        return response.StatusCode;
    }
}
