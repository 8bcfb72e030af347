using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Decisions;

/// <summary>
/// Counters in Redis, shared by every gateway that names the same Redis: the budget holds across them, and when
/// Redis cannot be reached a limited call is refused (or, if the operator chose so, let through).
/// </summary>
public sealed class SharedCountersTests
{
    private const string FiveAMinute = """
        { "version": "1", "default": "deny",
          "tools": { "echo": { "limits": [ { "counter": "echo_rate", "window": "minute", "max": 5, "scope": "global" } ] } } }
        """;

    private static string Redis => Environment.GetEnvironmentVariable("GATEHOUSE_TEST_REDIS") ?? "127.0.0.1:6380";

    [Fact]
    public async Task Two_gateways_on_one_redis_admit_max_together()
    {
        await using var upstream = await TestServerHost.StartAsync();
        // A counter name of its own, so parallel runs of this test do not share a budget.
        var policy = FiveAMinute.Replace("echo_rate", $"echo_rate_{Guid.NewGuid():N}", StringComparison.Ordinal);
        var counters = new JsonObject { ["redis"] = Redis };
        await using var first = await RunningGateway.StartAsync(Servers(upstream), policies: Policy(policy), counters: counters);
        await using var second = await RunningGateway.StartAsync(Servers(upstream), policies: Policy(policy), counters: (JsonObject)counters.DeepClone());
        await using var a = await first.ConnectAsync("test");
        await using var b = await second.ConnectAsync("test");

        var results = new List<CallToolResult>();
        for (var i = 0; i < 6; i++)
        {
            results.Add(await (i % 2 == 0 ? a : b).CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hi" }));
        }

        Assert.Equal(5, results.Count(r => r.IsError != true));
        Assert.Equal("rate_limited", results.Last().Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public async Task With_redis_unreachable_a_limited_call_is_refused_unless_the_operator_chose_to_fail_open(bool failOpen, bool refused)
    {
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Servers(upstream), policies: Policy(FiveAMinute),
            counters: new JsonObject { ["redis"] = "127.0.0.1:1,connectTimeout=200,syncTimeout=500,asyncTimeout=500", ["failOpen"] = failOpen });
        await using var client = await gateway.ConnectAsync("test");

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hi" });

        Assert.Equal(refused, result.IsError == true);
        if (refused)
        {
            Assert.Equal("unavailable", result.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
        }

        using var http = new HttpClient();
        using var readiness = await http.GetAsync(new Uri(gateway.BaseUrl, "/readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        var counters = JsonNode.Parse(await readiness.Content.ReadAsStringAsync())!["dependencies"]!["counters"]!;
        Assert.False(counters["ready"]!.GetValue<bool>());
    }

    private static JsonObject Servers(RunningTestServer upstream) => Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl)));

    private static Dictionary<string, string> Policy(string policy) => new() { ["test"] = policy };
}
