using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.Tests.Relay;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;

namespace Gatehouse.Tests.Catalog;

/// <summary>
/// The catalog of an upstream that requires each person's own account: Gatehouse never lists it with no one's token (it
/// would be answered 401), and says so; it fills from what a connected person's client lists through the gateway,
/// pinned as any other catalog.
/// </summary>
public sealed class PersonalServerCatalogTests : IAsyncLifetime
{
    private const string Server = "remote";
    private const string Audience = "upstream-mcp";
    private const string UpstreamUser = "ada-upstream";

    private IdentityProvider _provider = null!;
    private UpstreamProtection _protection = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        var options = new IdentityProviderOptions { Audience = Audience };
        options.Users[UpstreamUser] = [];
        _provider = await IdentityProvider.StartAsync(options);
        _protection = new UpstreamProtection(_provider.Issuer, Audience);
        _upstream = await TestServerHost.StartAsync(_protection);
        var oauth = new JsonObject { ["clientId"] = "gatehouse", ["clientSecret"] = "gatehouse-upstream-secret", ["authorizationServer"] = _provider.Issuer.AbsoluteUri };
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers((Server, Upstreams.Http(_upstream.McpUrl).With("oauth", oauth))));
        options.Clients["gatehouse"] = new ProviderClient("gatehouse", "gatehouse-upstream-secret", [new Uri(_gateway.BaseUrl, "/connect/callback")], []);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task The_command_says_how_the_catalog_fills_and_asks_the_server_nothing()
    {
        var result = await CliRunner.RunAsync("catalog", Server, "--refresh", "--config", _gateway.Config.ConfigPath);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("requires each person's own account", result.Error, StringComparison.Ordinal);
        Assert.Contains($"{Server}: 0 tools", result.Output, StringComparison.Ordinal);
        Assert.Empty(_protection.Seen);
    }

    [Fact]
    public async Task A_connected_persons_listing_fills_the_catalog_and_a_refresh_changes_nothing()
    {
        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => _gateway.ConnectAsync(Server));
        var (status, page) = await UpstreamBrowser.ConnectAsync(UpstreamBrowser.LinkIn(refusal.Message), _provider, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);
        await using (var client = await _gateway.ConnectAsync(Server))
        {
            Assert.Contains(await client.ListToolsAsync(), tool => tool.Name == "echo");
        }

        var catalog = _gateway.Services.GetRequiredService<ToolCatalog>();
        var listed = await catalog.ReportAsync(Server, default);
        Assert.Contains(listed.Tools, tool => tool is { Definition.Name: "echo", State: ToolPinState.Pinned });
        var seen = _protection.Seen.Count;

        var server = _gateway.Services.GetRequiredService<GatehouseConfig>().McpServers[Server];
        var refused = await Assert.ThrowsAsync<UpstreamUnreachableException>(() =>
            _gateway.Services.GetRequiredService<CatalogRefresh>().RefreshAsync(server, default));

        Assert.Contains("what connected people's clients list through the gateway", refused.Message, StringComparison.Ordinal);
        Assert.Equal(seen, _protection.Seen.Count);
        Assert.Equal(listed.Tools.Select(tool => tool.Definition.Hash), (await catalog.ReportAsync(Server, default)).Tools.Select(tool => tool.Definition.Hash));
    }
}
