using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Demo;
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

    private const string TenCampaignsAMinute = """
        { "version": "1", "default": "deny",
          "tools": { "send_campaign": { "limits": [ { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" } ] } } }
        """;

    /// <summary>Calls each client makes at once: many more than the budget, so the two processes race for it.</summary>
    private const int CallsPerProcess = 24;

    private static readonly TimeSpan s_hangGuard = TimeSpan.FromMinutes(2);

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

    [Fact]
    public async Task Two_gatehouse_processes_on_one_redis_admit_max_together_under_concurrent_calls()
    {
        using var directory = new TestDirectory();
        var database = directory.File("listmonk.db");
        // A counter name of its own, so parallel runs of this test do not share a budget. The window is a minute:
        // the calls all land within it, so no admission leaves the window and makes room mid-test.
        var policy = TenCampaignsAMinute.Replace("send_campaign_rate", $"send_campaign_rate_{Guid.NewGuid():N}", StringComparison.Ordinal);
        // One configuration for both, as two replicas behind a load balancer would have; one mailing list behind them.
        var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("listmonk", Upstreams.Demo(database))),
            new Dictionary<string, string> { ["listmonk"] = policy }, counters: new JsonObject { ["redis"] = Redis });
        await using var first = await GatehouseProcess.StartAsync(config);
        await using var second = await GatehouseProcess.StartAsync(config);
        // One after the other: the first session's demo server creates and seeds the database the second one opens.
        await using var a = await first.ConnectAsync("listmonk");
        await using var b = await second.ConnectAsync("listmonk");
        // Warmed up as a client would be (tools listed) and with Redis connected, so that neither side is slowed
        // by a first-call cost and the two really race for the budget.
        foreach (var (client, gateway) in new[] { (a, first), (b, second) })
        {
            Assert.Equal(["send_campaign"], (await client.ListToolsAsync()).Select(t => t.Name));
            await WaitUntilReadyAsync(gateway.BaseUrl);
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 2 * CallsPerProcess).Select(async i =>
        {
            await start.Task;
            return await (i % 2 == 0 ? a : b).CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });
        }).ToList();
        start.SetResult();
        var results = await Task.WhenAll(calls).WaitAsync(s_hangGuard);

        var admitted = results.Where(r => r.IsError != true).ToList();
        var refused = results.Where(r => r.IsError == true).ToList();
        var logs = $"\n--- first gateway:\n{first.RecentOutput}\n--- second gateway:\n{second.RecentOutput}";
        Assert.True(admitted.Count == 10, $"{admitted.Count} of {results.Length} calls were admitted, not 10.{logs}");
        foreach (var result in refused)
        {
            var decision = result.Meta?["gatehouse/decision"];
            Assert.True(decision?["decision"]?.GetValue<string>() == "rate_limited", $"A refused call was not rate-limited: {Text(result)}{logs}");
            // A refusal whose clock was read just before a concurrent admission's, but whose script ran after it,
            // sees that admission a few milliseconds in its future: its wait is then a little over the minute,
            // rounded up to 61 s.
            Assert.InRange(decision!["retryAfterSeconds"]!.GetValue<double>(), 1, 61);
        }

        // What the server did agrees: the admitted sends queued every email in the outbox, the refused ones none.
        var queued = admitted.Sum(r => JsonNode.Parse(Text(r))!["emails_queued"]!.GetValue<int>());
        Assert.True(queued > 0, "The campaign reaches no subscriber, so the outbox cannot tell sent from refused.");
        Assert.Equal(queued, DemoMailbox.CountOutbox(database));
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

    /// <summary>Polls <c>/readyz</c> until it is 200: a gateway connects to Redis in the background.</summary>
    private static async Task WaitUntilReadyAsync(Uri gateway)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + s_hangGuard;
        while (true)
        {
            using var readiness = await http.GetAsync(new Uri(gateway, "/readyz"));
            if (readiness.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{gateway} is still not ready: {await readiness.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static JsonObject Servers(RunningTestServer upstream) => Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl)));

    private static Dictionary<string, string> Policy(string policy) => new() { ["test"] = policy };
}
