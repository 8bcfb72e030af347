using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Audit;

/// <summary>
/// With <c>"audit": { "onDiskBefore": "answer" }</c>, nothing of a call's answer reaches the client before its decision is
/// on disk: not the log messages the upstream sends while it runs either, whichever request the relay routes them by,
/// and not when the decision can never be put on disk (its answer is withheld then, and what came with it must be too).
/// </summary>
public sealed class AuditOnDiskNotificationTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly string _server = $"ondisknote{Random.Shared.Next(1_000_000)}";
    private readonly AuditOnDiskTests.FlushGate _gate = new();
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers((_server, Upstreams.Http(_upstream.McpUrl))),
            services => AuditOnDiskTests.GateFlushes(services, _gate),
            sections: new JsonObject { ["audit"] = new JsonObject { ["onDiskBefore"] = "answer" } });
    }

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Log_messages_of_a_call_whose_decision_cannot_be_put_on_disk_are_withheld_with_its_answer()
    {
        await using var client = await _gateway.ConnectAsync(_server, RunningGateway.InSession());
        var logged = new ConcurrentQueue<string>();
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (notification, _) =>
        {
            logged.Enqueue(notification.Params!["data"]!.ToJsonString());
            return ValueTask.CompletedTask;
        });
        await client.SetLoggingLevelAsync(LoggingLevel.Info);
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "first" }).AsTask().WaitAsync(s_wait);
        _gate.Fail(new IOException("Input/output error"));

        var withheld = await Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("test_tool_with_logging").AsTask().WaitAsync(s_wait));
        // Whatever the relay was going to send before the answer has been sent by now; give a stray one a moment more.
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.Contains("answer is withheld", withheld.Message, StringComparison.Ordinal);
        Assert.True(logged.IsEmpty, $"the client saw what the upstream said about a call whose decision never reached the disk: {string.Join(" | ", logged)}");
    }

    [Fact]
    public async Task A_log_message_of_a_call_waits_for_its_decision_even_when_a_later_request_is_still_being_decided()
    {
        await using var client = await _gateway.ConnectAsync(_server, RunningGateway.InSession());
        var firstLog = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (notification, _) =>
        {
            firstLog.TrySetResult(notification.Params!["data"]!.ToJsonString());
            return ValueTask.CompletedTask;
        });
        await client.SetLoggingLevelAsync(LoggingLevel.Info);
        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "first" }).AsTask().WaitAsync(s_wait);
        _gate.Hold();

        // The logging call is written and goes upstream; its flush is held, so the writer holds the later calls' decisions
        // behind it, and each of them waits in the session with nothing of its own to wait for. The upstream's log
        // messages, which carry no progress token, go by the latest request waiting.
        var logging = client.CallToolAsync("test_tool_with_logging").AsTask();
        var later = Enumerable.Range(0, 3)
            .Select(i => client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"later {i}" }).AsTask())
            .ToList();

        var seen = await Task.WhenAny(firstLog.Task, Task.Delay(TimeSpan.FromSeconds(3)));

        Assert.False(seen == firstLog.Task, $"a log message of the call reached the client before its decision was on disk: {(seen == firstLog.Task ? await firstLog.Task : "")}");
        _gate.Open();
        await logging.WaitAsync(s_wait);
        await Task.WhenAll(later).WaitAsync(s_wait);
    }
}
