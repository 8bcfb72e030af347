using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Authentication;

/// <summary>
/// Two identities under different grants on one server, and the secrets involved: keys and upstream credentials
/// never show up in logs or in what a client is told.
/// </summary>
public sealed class GrantsAndSecretsTests : IAsyncLifetime
{
    private const string UpstreamSecret = "upstream-secret-4f9c2b7e81";
    private readonly CapturedLogs _logs = new();
    private readonly TestDirectory _narrowPolicy = new();
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        var servers = Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl).With("headers", new JsonObject { ["X-Upstream-Key"] = UpstreamSecret })));
        _gateway = await RunningGateway.StartAsync(servers, services => services.AddLogging(logging =>
        {
            logging.AddProvider(_logs);
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddFilter(_ => true);
        }), auth: [], extraGrants: [new JsonObject
        {
            // A second grant on the same server, for another identity, under a narrower policy.
            ["id"] = "narrow",
            ["server"] = "test",
            ["identities"] = new JsonArray("narrow-agent"),
            ["policy"] = _narrowPolicy.Write("narrow.json", """{ "version": "1", "default": "deny", "tools": { "echo": {} } }"""),
        }]);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _narrowPolicy.Dispose();
    }

    [Fact]
    public async Task Two_identities_under_different_grants_see_different_tools_and_decisions()
    {
        var keys = _gateway.Services.GetRequiredService<IApiKeyStore>();
        await using var wide = await _gateway.ConnectAsync("test", bearer: (await keys.CreateAsync(RunningGateway.Identity)).Secret);
        await using var narrow = await _gateway.ConnectAsync("test", bearer: (await keys.CreateAsync("narrow-agent")).Secret);

        Assert.Contains(await wide.ListToolsAsync(), t => t.Name == "test_simple_text");
        Assert.Equal(["echo"], (await narrow.ListToolsAsync()).Select(t => t.Name));
        Assert.NotEqual(true, (await wide.CallToolAsync("test_simple_text")).IsError);
        Assert.True((await narrow.CallToolAsync("test_simple_text")).IsError);
    }

    [Fact]
    public async Task Keys_and_upstream_credentials_never_reach_logs_or_errors()
    {
        var keys = _gateway.Services.GetRequiredService<IApiKeyStore>();
        var (record, key) = await keys.CreateAsync(RunningGateway.Identity);
        var replies = new List<string>();

        await using (var client = await _gateway.ConnectAsync("test", bearer: key))
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hello" });
            var refused = await client.CallToolAsync("no_such_tool");
            replies.Add(string.Join("\n", refused.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        }

        using var raw = new RawMcpClient(_gateway.McpUrl("test"));
        foreach (var presented in new[] { key + "x", key[..^2] + "AA", key })
        {
            using var request = raw.Post(RawMcpClient.Initialize);
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {presented}");
            if (presented == key)
            {
                await keys.RevokeAsync(record.Id);
            }

            using var response = await raw.SendAsync(request);
            Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
            replies.Add(await response.Content.ReadAsStringAsync());
            replies.Add(response.Headers.WwwAuthenticate.ToString());
        }

        var secretPart = key[(3 + 16 + 1)..];
        Assert.NotEmpty(_logs.Text);
        foreach (var text in replies.Append(_logs.Text))
        {
            Assert.DoesNotContain(secretPart, text);
            Assert.DoesNotContain(UpstreamSecret, text);
        }
    }
}
