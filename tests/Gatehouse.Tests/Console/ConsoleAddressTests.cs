using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Console;

/// <summary>The console on an address of its own (<c>console.listen</c>): only the console there, and no console on the gateway's.</summary>
public sealed class ConsoleAddressTests : IAsyncLifetime
{
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            sections: new JsonObject { ["console"] = new JsonObject { ["listen"] = "http://127.0.0.1:0" } });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public void The_console_has_an_address_apart_from_the_gateways()
    {
        Assert.NotEqual(_gateway.BaseUrl, _gateway.ConsoleUrl);
        Assert.Equal("127.0.0.1", _gateway.ConsoleUrl.Host);
    }

    [Fact]
    public async Task An_admin_signs_in_and_works_on_the_consoles_address()
    {
        var (_, secret) = await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync("ops", roles: ["admin"]);
        using var browser = new ConsoleBrowserClient(_gateway.ConsoleUrl);

        using (var signedIn = await browser.SignInAsync(secret))
        {
            Assert.EndsWith("/ui/servers", signedIn.Headers.Location?.OriginalString);
        }

        using var servers = await browser.Http.GetAsync("/ui/servers");
        Assert.Equal(HttpStatusCode.OK, servers.StatusCode);
        Assert.Contains("test", await servers.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/ui")]
    [InlineData("/ui/sign-in")]
    [InlineData("/ui/servers")]
    [InlineData("/_framework/blazor.web.js")]
    public async Task The_gateways_address_serves_no_console(string path)
    {
        using var http = new HttpClient { BaseAddress = _gateway.BaseUrl };

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_sign_in_posted_to_the_gateways_address_is_not_found()
    {
        using var http = new HttpClient { BaseAddress = _gateway.BaseUrl };

        using var response = await http.PostAsync("/ui/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["Form.Key"] = "gh_x" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("/mcp/test")]
    [InlineData("/admin/v1/keys")]
    [InlineData("/.well-known/oauth-protected-resource")]
    [InlineData("/healthz")]
    public async Task The_consoles_address_serves_nothing_of_the_gateway(string path)
    {
        using var console = new HttpClient { BaseAddress = _gateway.ConsoleUrl };
        using var gateway = new HttpClient { BaseAddress = _gateway.BaseUrl };

        using var onConsole = await console.GetAsync(path);
        using var onGateway = await gateway.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, onConsole.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, onGateway.StatusCode);
    }

    [Fact]
    public async Task An_agent_still_calls_through_the_gateways_address()
    {
        await using var client = await _gateway.ConnectAsync("test");

        Assert.NotEmpty(await client.ListToolsAsync());
    }
}
