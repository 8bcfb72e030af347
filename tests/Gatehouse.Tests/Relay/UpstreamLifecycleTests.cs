using System.Diagnostics;
using System.Text.Json.Nodes;
using Gatehouse.Relay;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The life of upstream processes and sessions: a stdio server (npm's server-everything) per client session,
/// restarted after a crash, stopped with its session and with the gateway, held to its cap; and the per-call timeout.
/// </summary>
/// <remarks>
/// Each test has a server entry of its own, so the processes one test counts are never another's. The
/// processes are found by an environment marker in <c>/proc</c>, not by asking the gateway.
/// </remarks>
public sealed class UpstreamLifecycleTests : IAsyncLifetime
{
    /// <summary>Long enough for a process to be stopped gracefully or killed after the SDK's grace period.</summary>
    private const int ProcessExitSeconds = 15;

    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(10);

    private readonly ProcessMarker _crashMarker = new();
    private readonly ProcessMarker _deleteMarker = new();
    private RunningTestServer _httpUpstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _httpUpstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(
            ("crash", Upstreams.Everything().With("env", Env(_crashMarker))),
            ("deleted", Upstreams.Everything().With("env", Env(_deleteMarker))),
            ("capped", Upstreams.Everything().With("maxSessions", 1)),
            ("slow", Upstreams.Http(_httpUpstream.McpUrl).With("callTimeout", "1s"))));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _httpUpstream.DisposeAsync();
    }

    [Fact]
    public async Task A_call_in_flight_when_its_upstream_is_killed_fails_naming_the_server_and_the_session_recovers()
    {
        await using var client = await _gateway.ConnectAsync("crash");
        var killed = Assert.Single(_crashMarker.FindProcessIds());
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = client.CallToolAsync("trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 30, ["steps"] = 300 },
            new Progress<ProgressNotificationValue>(_ => running.TrySetResult()));
        await running.Task.WaitAsync(s_hangGuard);

        using (var process = Process.GetProcessById(killed))
        {
            process.Kill(); // SIGKILL: the server gets no chance to answer or say goodbye.
        }

        var error = await Assert.ThrowsAsync<McpProtocolException>(() => call.AsTask().WaitAsync(s_hangGuard));
        Assert.Contains("'crash'", error.Message);
        // What the console's Servers page shows as "restarting": the session waits at least 250 ms before it starts again.
        var sessions = _gateway.Services.GetRequiredService<RelaySessionRegistry>();
        await EventuallyAsync(() => Task.FromResult(sessions.Sessions.Single(s => s.Call.Server == "crash").IsRestarting
            ? true
            : throw new InvalidOperationException("The session does not say it is restarting its upstream.")));

        // The gateway restarts the server and replays the client's initialize, so the same session serves again.
        // Until it is back, a call is refused one way or another: an error, or (when the catalog cannot list the
        // restarting server's tools to check it) a refusal as the call's result.
        var echo = await EventuallyAsync(async () =>
        {
            var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "back again" });
            return result.IsError == true ? throw new InvalidOperationException(Text(result)) : result;
        });
        Assert.Contains("back again", Text(echo));
        await EventuallyAsync(() => Task.FromResult(!sessions.Sessions.Single(s => s.Call.Server == "crash").IsRestarting
            ? true
            : throw new InvalidOperationException("The session still says it is restarting its upstream.")));
        Assert.NotEqual(killed, Assert.Single(_crashMarker.FindProcessIds()));
    }

    [Fact]
    public async Task Stopping_the_gateway_leaves_no_upstream_process_behind()
    {
        var marker = new ProcessMarker();
        var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("everything", Upstreams.Everything().With("env", Env(marker)))));
        var clients = new List<McpClient>();
        try
        {
            // Two sessions, two processes; the clients stay connected while the gateway goes.
            clients.AddRange(await Task.WhenAll(gateway.ConnectAsync("everything"), gateway.ConnectAsync("everything")));
            Assert.Equal(2, marker.FindProcessIds().Count);
        }
        finally
        {
            await gateway.DisposeAsync();
        }

        try
        {
            await WaitForNoProcessAsync(marker);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_upstream_does_not_outlive_a_gateway_that_was_killed()
    {
        var marker = new ProcessMarker();
        using var directory = new TestDirectory();
        var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("everything", Upstreams.Everything().With("env", Env(marker)))));
        await using var gatehouse = await GatehouseProcess.StartAsync(config);
        try
        {
            await using var client = await gatehouse.ConnectAsync("everything");
            // A server with timers of its own running does not end when its stdin closes; only the gateway can end it.
            await client.CallToolAsync("toggle-subscriber-updates");
            Assert.Single(marker.FindProcessIds());

            gatehouse.Kill(); // SIGKILL, as the OOM killer would: no chance to stop its children itself.

            await WaitForNoProcessAsync(marker);
        }
        finally
        {
            foreach (var pid in marker.FindProcessIds())
            {
                using var orphan = Process.GetProcessById(pid);
                orphan.Kill();
            }
        }
    }

    [Fact]
    public async Task Ending_a_client_session_stops_its_upstream_process()
    {
        var client = await _gateway.ConnectAsync("deleted");
        Assert.Single(_deleteMarker.FindProcessIds());

        await client.DisposeAsync(); // the SDK's client ends its session with DELETE

        await WaitForNoProcessAsync(_deleteMarker);
    }

    [Fact]
    public async Task A_server_at_its_session_cap_refuses_another_session_until_one_ends()
    {
        var first = await _gateway.ConnectAsync("capped");
        try
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => _gateway.ConnectAsync("capped"));
            Assert.Contains("maximum of 1 sessions", Describe(refused));
            Assert.Contains("maxSessions", Describe(refused));
        }
        finally
        {
            await first.DisposeAsync();
        }

        // The slot is given back once the first session has closed.
        await using var next = await EventuallyAsync(() => _gateway.ConnectAsync("capped"));
        await next.PingAsync();
    }

    [Fact]
    public async Task A_call_the_upstream_does_not_answer_in_time_fails_and_the_session_goes_on()
    {
        // Over HTTP: the timeout covers initialize too, and a stdio server's start-up alone may outlast a short one.
        await using var client = await _gateway.ConnectAsync("slow");

        var error = await Assert.ThrowsAsync<McpProtocolException>(() =>
            client.CallToolAsync("test_slow_operation", new Dictionary<string, object?> { ["durationMs"] = 10_000 }).AsTask().WaitAsync(s_hangGuard));

        Assert.Contains("'slow' did not answer 'tools/call' within 1 s", error.Message);
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still served" });
        Assert.Contains("still served", Text(echo));
    }

    private static JsonObject Env(ProcessMarker marker) => new() { [ProcessMarker.VariableName] = marker.Value };

    private static async Task WaitForNoProcessAsync(ProcessMarker marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(ProcessExitSeconds);
        while (marker.FindProcessIds() is { Count: > 0 } left)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Upstream processes are still running: {ProcessMarker.Describe(left)}");
            await Task.Delay(50);
        }
    }

    /// <summary>Retries <paramref name="action"/> until it succeeds: some things take a moment to come back.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> action)
    {
        var deadline = DateTime.UtcNow.AddSeconds(ProcessExitSeconds);
        while (true)
        {
            try
            {
                return await action();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The messages of an exception and its inner ones, wherever the SDK put the server's words.</summary>
    private static string Describe(Exception exception) =>
        string.Join(" | ", Chain(exception).Select(e => e.Message));

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
        }
    }
}
