using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Relay;

/// <summary><c>maxSessionsPerIdentity</c>: one identity cannot take every session of a server.</summary>
public sealed class SessionCapTests : IAsyncLifetime
{
    private readonly TestDirectory _policies = new();
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private RawMcpClient _raw = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl).With("maxSessions", 3).With("maxSessionsPerIdentity", 2))),
            auth: [],
            extraGrants: [new JsonObject
            {
                ["id"] = "second",
                ["server"] = "test",
                ["identities"] = new JsonArray("second-agent"),
                ["policy"] = _policies.Write("second.json", RunningGateway.AllowAll),
            }]);
        _raw = new RawMcpClient(_gateway.McpUrl("test"));
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _policies.Dispose();
    }

    [Fact]
    public async Task An_identity_past_its_share_gets_429_while_another_identity_still_gets_a_session()
    {
        var keys = _gateway.Services.GetRequiredService<IApiKeyStore>();
        var (_, first) = await keys.CreateAsync(RunningGateway.Identity);
        var (_, second) = await keys.CreateAsync("second-agent");

        Assert.Equal(HttpStatusCode.OK, (await InitializeAsync(first)).Status);
        Assert.Equal(HttpStatusCode.OK, (await InitializeAsync(first)).Status);
        var refused = await InitializeAsync(first);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Contains("maxSessionsPerIdentity", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"'{RunningGateway.Identity}'", refused.Message, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await InitializeAsync(second)).Status);

        // The server's own cap still holds over every identity.
        var full = await InitializeAsync(second);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, full.Status);
        Assert.Contains("\"maxSessions\"", full.Message, StringComparison.Ordinal);
    }

    private async Task<(HttpStatusCode Status, string Message)> InitializeAsync(string key)
    {
        using var request = _raw.Post(RawMcpClient.Initialize);
        request.Headers.Authorization = new("Bearer", key);
        using var response = await _raw.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? body : JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>());
    }
}
