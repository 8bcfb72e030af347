using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Decisions;

/// <summary>
/// Redis and PostgreSQL that hang (SIGSTOP: connections stay open, nothing answers, as with a stuck disk or a
/// partition): calls that need them are refused after <c>counters.timeout</c> / <c>store.timeout</c>, then at once
/// while they are known to be down; the logs and <c>/readyz</c> name them; once they answer again, so does the gateway.
/// </summary>
public sealed class HungDependencyTests
{
    private const string LimitedEcho = """
        { "version": "1", "default": "deny",
          "tools": { "echo": { "limits": [ { "counter": "echo_rate", "window": "minute", "max": 1000000, "scope": "grant" } ] } } }
        """;

    private readonly CapturedLogs _logs = new();

    [Fact]
    public async Task A_hung_Redis_refuses_limited_calls_after_the_timeout_then_at_once_and_recovers()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))), CaptureLogs,
            policies: new Dictionary<string, string> { ["test"] = LimitedEcho.Replace("echo_rate", $"echo_{Guid.NewGuid():N}", StringComparison.Ordinal) },
            counters: new JsonObject { ["redis"] = redis.Endpoint, ["timeout"] = "1s" });
        await using var client = await gateway.ConnectAsync("test");
        Assert.NotEqual(true, (await EchoAsync(client)).IsError);

        redis.Freeze();
        try
        {
            var refused = await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: true } result ? result : null, "limited call refused");
            Assert.Equal("unavailable", refused.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
            // Once a command times out the client drops the connection as dead, or the breaker opens: either way, known down.
            await RefusedWithoutWaitingAsync(client, "Redis counter store is not connected", "Redis counter store did not answer in time and is refused without waiting");
            Assert.Contains("not answering within 1 s", await UnreadyAsync(gateway, "counters"), StringComparison.Ordinal);
        }
        finally
        {
            redis.Thaw();
        }

        await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: not true } result ? result : null, "limited call admitted once Redis answers");
        await Eventually.UntilAsync(async () => await ReadyAsync(gateway, "counters"), "/readyz saying the counters answer");
    }

    [Fact]
    public async Task A_hung_PostgreSQL_refuses_calls_after_the_timeout_then_at_once_and_recovers()
    {
        await using var postgres = await PostgresServerProcess.StartAsync();
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))), CaptureLogs,
            store: new JsonObject { ["postgres"] = postgres.ConnectionString, ["timeout"] = "1s" });
        await using var client = await gateway.ConnectAsync("test");
        Assert.NotEqual(true, (await EchoAsync(client)).IsError);

        postgres.Freeze();
        try
        {
            var refused = await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: true } result ? result : null, "call refused");
            Assert.Equal("unavailable", refused.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
            await RefusedWithoutWaitingAsync(client, "refused without waiting for it");
            Assert.Contains("PostgreSQL unavailable since", await UnreadyAsync(gateway, "store"), StringComparison.Ordinal);
        }
        finally
        {
            postgres.Thaw();
        }

        await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: not true } result ? result : null, "call served once PostgreSQL answers",
            context: () => postgres.RecentOutput);
        await Eventually.UntilAsync(async () => await ReadyAsync(gateway, "store"), "/readyz saying the store answers");
    }

    private void CaptureLogs(IServiceCollection services) => services.AddLogging(logging => logging.AddProvider(_logs));

    /// <summary>
    /// Calls until the log says a refusal came from the known outage rather than from waiting out a timeout: the proof,
    /// without timing anything, that a dependency known to be down is refused at once.
    /// </summary>
    private Task RefusedWithoutWaitingAsync(McpClient client, params string[] logged) =>
        Eventually.UntilAsync(async () =>
        {
            await EchoAsync(client);
            return logged.Any(line => _logs.Text.Contains(line, StringComparison.Ordinal));
        }, $"log line '{string.Join("' or '", logged)}'", context: () => _logs.Text[^Math.Min(_logs.Text.Length, 4000)..]);

    private static async Task<string> UnreadyAsync(RunningGateway gateway, string dependency)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(gateway.BaseUrl, "/readyz"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(body["dependencies"]![dependency]!["ready"]!.GetValue<bool>());
        return body["dependencies"]![dependency]!["detail"]!.GetValue<string>();
    }

    private static async Task<bool> ReadyAsync(RunningGateway gateway, string dependency)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(gateway.BaseUrl, "/readyz"));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["dependencies"]![dependency]!["ready"]!.GetValue<bool>();
    }

    private static Task<CallToolResult> EchoAsync(McpClient client) =>
        client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hung" }).AsTask().WaitAsync(Eventually.DefaultWait);
}
