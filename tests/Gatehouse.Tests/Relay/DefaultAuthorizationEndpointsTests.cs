using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Relay;
using Gatehouse.Relay.Accounts;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// <c>"defaultEndpoints": true</c>: for a server of MCP 2025-03-26 that publishes no metadata, the SDK's OAuth client is
/// answered with that revision's default endpoints at the server's origin, within that server's own flows; for every
/// other origin, and on the client every upstream shares, nothing is made up.
/// </summary>
public sealed class DefaultAuthorizationEndpointsTests : IAsyncLifetime
{
    private RunningTestServer _legacy = null!;
    private RunningTestServer _other = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _legacy = await TestServerHost.StartAsync();
        _other = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(
            ("legacy", Upstreams.Http(_legacy.McpUrl).With("oauth", new JsonObject { ["defaultEndpoints"] = true })),
            ("other", Upstreams.Http(_other.McpUrl).With("oauth", new JsonObject()))));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _legacy.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task A_server_without_metadata_is_taken_to_have_the_default_endpoints_at_its_origin()
    {
        var origin = _legacy.McpUrl.GetLeftPart(UriPartial.Authority);
        using var client = FlowClient(_legacy.McpUrl);

        using var response = await client.GetAsync(new Uri($"{origin}/.well-known/openid-configuration"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metadata = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal($"{origin}/authorize", metadata["authorization_endpoint"]?.GetValue<string>());
        Assert.Equal($"{origin}/token", metadata["token_endpoint"]?.GetValue<string>());
        Assert.Equal($"{origin}/register", metadata["registration_endpoint"]?.GetValue<string>());
        Assert.Equal("S256", Assert.Single(metadata["code_challenge_methods_supported"]!.AsArray())!.GetValue<string>());
    }

    [Fact]
    public async Task Nothing_is_made_up_for_another_origin_nor_for_other_paths()
    {
        var other = _other.McpUrl.GetLeftPart(UriPartial.Authority);
        var legacy = _legacy.McpUrl.GetLeftPart(UriPartial.Authority);
        using var client = FlowClient(_legacy.McpUrl);

        using var elsewhere = await client.GetAsync(new Uri($"{other}/.well-known/openid-configuration"));
        using var otherPath = await client.GetAsync(new Uri($"{legacy}/.well-known/openid-configuration/tenant"));
        using var query = await client.GetAsync(new Uri($"{legacy}/.well-known/openid-configuration?x=1"));

        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, query.StatusCode);
    }

    [Fact]
    public async Task The_client_every_upstream_shares_makes_up_nothing_even_for_the_servers_origin()
    {
        // Another upstream naming the legacy server's origin as its authorization server is not given its endpoints.
        var legacy = _legacy.McpUrl.GetLeftPart(UriPartial.Authority);
        var shared = _gateway.Services.GetRequiredService<IHttpClientFactory>().CreateClient(UpstreamConnector.HttpClientName);

        using var response = await shared.GetAsync(new Uri($"{legacy}/.well-known/openid-configuration"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>The HTTP client of the legacy server's own OAuth flows, as the connector makes it.</summary>
    private HttpClient FlowClient(Uri server) => new(new DefaultAuthorizationEndpoints(server)
    {
        InnerHandler = _gateway.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(UpstreamConnector.HttpClientName),
    }, disposeHandler: false);
}
