using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Decisions;

/// <summary>
/// The counters' Redis killed while calls keep coming, then started again: limited calls are refused meanwhile
/// (fail closed) and <c>/readyz</c> says why, and once Redis is back the same gateway and the same session admit
/// them again, without a restart and without an error reaching the client.
/// </summary>
/// <remarks>The test has a redis-server of its own: the shared test Redis must never be stopped under other tests.</remarks>
public sealed class RedisOutageTests
{
    /// <summary>
    /// Short timeouts, as an operator who wants a quick refusal would set: a call waits at most a second for a
    /// Redis that is gone. StackExchange.Redis reconnects by itself meanwhile.
    /// </summary>
    private const string Timeouts = "connectTimeout=500,syncTimeout=1000,asyncTimeout=1000";

    private const int Loops = 4;

    // The load is bounded both ways: by calls per loop and by time, whichever ends first.
    private const int MaxCallsPerLoop = 20_000;
    private static readonly TimeSpan s_loadLimit = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan s_pause = TimeSpan.FromMilliseconds(10);

    /// <summary>How long each step may take on a busy 2-core machine; the reconnect backs off up to 10 s.</summary>
    private static readonly TimeSpan s_stepTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Redis_killed_under_load_refuses_limited_calls_until_it_is_back_and_the_gateway_serves_on()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var upstream = await TestServerHost.StartAsync();
        // A budget no test call exhausts, so every refusal is Redis being away; and a tool without a limit.
        var policy = $$"""
            { "version": "1", "default": "deny",
              "tools": {
                "echo": { "limits": [ { "counter": "echo_rate_{{Guid.NewGuid():N}}", "window": "minute", "max": 1000000, "scope": "grant" } ] },
                "test_simple_text": {} } }
            """;
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))),
            policies: new Dictionary<string, string> { ["test"] = policy },
            counters: new JsonObject { ["redis"] = $"{redis.Endpoint},{Timeouts}" });
        await using var client = await gateway.ConnectAsync("test");
        using var http = new HttpClient();
        await WaitForReadinessAsync(http, gateway, ready: true, redis);

        await using var load = CallLoad.Start(client);
        var context = () => $"{load.Describe()}\n--- redis-server:\n{redis.RecentOutput}";
        await WaitUntilAsync(() => load.Count(Phase.Up, Phase.Up, CallLoad.Admitted) >= 20, "calls admitted while Redis runs", load, context);

        redis.Kill();
        load.Phase = Phase.Down;
        await WaitUntilAsync(() => load.Count(Phase.Down, Phase.Down, "unavailable") >= Loops, "limited calls refused as unavailable", load, context);
        await WaitForReadinessAsync(http, gateway, ready: false, redis);

        // Fail closed for limited calls only: a call without a limit needs no counter, so the session serves it.
        var unlimited = await client.CallToolAsync("test_simple_text");
        Assert.True(unlimited.IsError != true, $"A call without a limit failed while Redis was away: {Text(unlimited)}");
        var refused = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "while away" });
        Assert.Equal("unavailable", Decision(refused));
        Assert.Contains("rate-limit counters cannot be reached", Text(refused));

        load.Phase = Phase.Restarting;
        await redis.StartAgainAsync();
        load.Phase = Phase.Back;
        await WaitUntilAsync(() => load.Count(Phase.Back, Phase.Back, CallLoad.Admitted) >= Loops, "calls admitted again", load, context);
        await WaitForReadinessAsync(http, gateway, ready: true, redis);

        await load.StopAsync();

        // Every call got an answer the client can act on, never an error: admitted, or refused as unavailable.
        Assert.True(load.Outcomes.All(o => o is CallLoad.Admitted or "unavailable"), $"Some calls ended otherwise.\n{context()}");
        // A call made entirely while Redis was dead was never let through uncounted.
        Assert.True(load.Count(Phase.Down, Phase.Down, CallLoad.Admitted) == 0, $"Calls were admitted while Redis was dead.\n{context()}");
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still the same session" });
        Assert.Contains("still the same session", Text(echo));
    }

    private static async Task WaitForReadinessAsync(HttpClient http, RunningGateway gateway, bool ready, RedisServerProcess redis)
    {
        var deadline = DateTime.UtcNow + s_stepTimeout;
        while (true)
        {
            using var response = await http.GetAsync(new Uri(gateway.BaseUrl, "/readyz"));
            var body = await response.Content.ReadAsStringAsync();
            var counters = JsonNode.Parse(body)?["dependencies"]?["counters"];
            if (response.StatusCode == (ready ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable)
                && counters?["ready"]?.GetValue<bool>() == ready)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"/readyz did not become {(ready ? "ready" : "unready")} within {s_stepTimeout.TotalSeconds:0} s: {(int)response.StatusCode} {body}\n{redis.RecentOutput}");
            await Task.Delay(100);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, CallLoad load, Func<string> context)
    {
        var deadline = DateTime.UtcNow + s_stepTimeout;
        while (!condition())
        {
            Assert.False(load.Ended, $"The load ended (its bounds reached or a loop failed) before {what}.\n{context()}");
            Assert.True(DateTime.UtcNow < deadline, $"No {what} within {s_stepTimeout.TotalSeconds:0} s.\n{context()}");
            await Task.Delay(50);
        }
    }

    private static string? Decision(CallToolResult result) => result.Meta?["gatehouse/decision"]?["decision"]?.GetValue<string>();

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    /// <summary>Where the test is with Redis; each call notes the phase it started and ended in.</summary>
    private enum Phase
    {
        Up,
        Down,
        Restarting,
        Back,
    }

    /// <summary>A few loops calling the limited tool on one session, counting how each call ended.</summary>
    private sealed class CallLoad : IAsyncDisposable
    {
        public const string Admitted = "admitted";

        private readonly ConcurrentDictionary<(Phase Started, Phase Ended, string Outcome), int> _counts = new();
        private readonly CancellationTokenSource _stop = new(s_loadLimit);
        private Task _loops = Task.CompletedTask;
        private volatile int _phase;

        public Phase Phase
        {
            get => (Phase)_phase;
            set => _phase = (int)value;
        }

        public bool Ended => _loops.IsCompleted;

        public IEnumerable<string> Outcomes => _counts.Keys.Select(k => k.Outcome).Distinct();

        public static CallLoad Start(McpClient client)
        {
            var load = new CallLoad();
            load._loops = Task.WhenAll(Enumerable.Range(0, Loops).Select(_ => Task.Run(() => load.LoopAsync(client))));
            return load;
        }

        public int Count(Phase started, Phase ended, string outcome) => _counts.GetValueOrDefault((started, ended, outcome));

        public string Describe() => "Calls by the phase they started and ended in, and how they ended:\n" + string.Join('\n',
            _counts.OrderBy(c => c.Key.Started).ThenBy(c => c.Key.Ended).Select(c => $"  {c.Key.Started} -> {c.Key.Ended}: {c.Value} x {c.Key.Outcome}"));

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loops.WaitAsync(s_stepTimeout);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _loops.WaitAsync(s_stepTimeout);
            }
            catch (Exception)
            {
                // The test already failed, or StopAsync already reported it.
            }

            _stop.Dispose();
        }

        private async Task LoopAsync(McpClient client)
        {
            var arguments = new Dictionary<string, object?> { ["message"] = "under load" };
            for (var i = 0; i < MaxCallsPerLoop && !_stop.IsCancellationRequested; i++)
            {
                var started = Phase;
                string outcome;
                try
                {
                    var result = await client.CallToolAsync("echo", arguments);
                    outcome = result.IsError != true ? Admitted : Decision(result) ?? $"error without a decision: {Text(result)}";
                }
                catch (Exception e)
                {
                    outcome = $"{e.GetType().Name}: {e.Message}";
                }

                _counts.AddOrUpdate((started, Phase, outcome), 1, (_, n) => n + 1);
                try
                {
                    await Task.Delay(s_pause, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
