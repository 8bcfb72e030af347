using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// <c>gatehouse stdio</c> in front of an upstream that requires OAuth, beside the HTTP gateway of the same configuration:
/// both keep people's upstream tokens in one store under one set of keys (<c>dataDir/keys</c>), so an account
/// connected through the HTTP gateway is used by <c>gatehouse stdio</c>, and stdio's refusal links to the HTTP gateway.
/// </summary>
public sealed class UpstreamOAuthStdioTests : IAsyncLifetime
{
    private const string Server = "remote";
    private const string Audience = "upstream-mcp";
    private const string UpstreamUser = "ada-upstream";

    private readonly ProcessMarker _marker = new();
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
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers((Server, Upstreams.Http(_upstream.McpUrl).With("oauth", oauth))), auth: []);
        options.Clients["gatehouse"] = new ProviderClient("gatehouse", "gatehouse-upstream-secret", [new Uri(_gateway.BaseUrl, "/connect/callback")], []);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task A_person_refused_over_stdio_connects_through_its_link_and_then_calls_through_stdio_with_their_own_token()
    {
        var config = StdioConfig();

        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => ConnectAsync(config));

        Assert.Contains($"Identity '{RunningGateway.Identity}' has not connected an account on server '{Server}'", refusal.Message, StringComparison.Ordinal);
        var link = UpstreamBrowser.LinkIn(refusal.Message);
        Assert.Equal(_gateway.BaseUrl.Authority, link.Authority);
        // The link was signed by the stdio process and is read by the HTTP gateway: one set of keys.
        var (status, page) = await UpstreamBrowser.ConnectAsync(link, _provider, UpstreamUser);
        Assert.True(status == HttpStatusCode.OK, page);

        await using var client = await ConnectAsync(config);
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "through stdio" });

        Assert.Equal("through stdio", Text(echo));
        Assert.Contains(_protection.Seen, seen => seen.Subject == UpstreamUser);
    }

    [Fact]
    public async Task Without_a_known_address_the_refusal_says_where_to_connect()
    {
        var config = StdioConfig(listen: "http://0.0.0.0:8080");

        var refusal = await Assert.ThrowsAnyAsync<McpException>(() => ConnectAsync(config));

        Assert.Contains("has not connected an account", refusal.Message, StringComparison.Ordinal);
        Assert.Contains($"a request to /mcp/{Server} is answered with the link", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/connect/", refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>The HTTP gateway's configuration, its <c>listen</c> the address it listens on (as an operator's names its port), beside it.</summary>
    private string StdioConfig(string? listen = null)
    {
        var config = JsonNode.Parse(File.ReadAllText(_gateway.Config.ConfigPath))!.AsObject();
        config["listen"] = listen ?? _gateway.BaseUrl.GetLeftPart(UriPartial.Authority);
        var path = Path.Combine(Path.GetDirectoryName(_gateway.Config.ConfigPath)!, "gatehouse-stdio.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private Task<McpClient> ConnectAsync(string config) =>
        McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "gatehouse",
            Command = "dotnet",
            Arguments = [Upstreams.GatehouseAssembly, "stdio", "--config", config, "--server", Server, "--identity", RunningGateway.Identity],
            EnvironmentVariables = new Dictionary<string, string?> { [ProcessMarker.VariableName] = _marker.Value },
        }), RunningGateway.InSession());
}
