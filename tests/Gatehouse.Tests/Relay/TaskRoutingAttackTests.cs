using System.Text.Json.Nodes;
using Gatehouse.Relay.Modern;
using Gatehouse.Testing;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Relay;

/// <summary>Task bookkeeping (TaskOwners, StdioPool's task homes) against a caller that makes many tasks.</summary>
public sealed class TaskRoutingAttackTests
{
    // TaskOwners is one table for every server and grant, bounded at MaxEntries by forgetting the oldest tenth. A caller
    // of another server and grant who makes MaxEntries tasks (one tools/call each on a server it holds) makes the victim's
    // task "nobody's": its creator is refused its own task (-32602, as one that does not exist).
    [Fact]
    public void Tasks_made_on_another_server_and_grant_do_not_take_a_victims_task_from_its_creator()
    {
        var owners = new TaskOwners(TimeProvider.System);
        owners.Remember("payroll", "victim", "payroll-grant", new JsonObject { ["resultType"] = "task", ["taskId"] = "victim-task" });

        for (var i = 0; i < TaskOwners.MaxEntries; i++)
        {
            owners.Remember("sandbox", "attacker", "sandbox-grant", new JsonObject { ["resultType"] = "task", ["taskId"] = $"t{i}" });
        }

        Assert.True(owners.Owns("payroll", "victim", "payroll-grant", "victim-task"));
    }
}

/// <summary>PooledSessionTransport's cancellation bookkeeping, driven directly.</summary>
public sealed class PooledSessionCancellationTests
{
    // A 2025 client cancels request 7 and reuses the id at once (ids are free again once cancelled: the relay's pending
    // entry is gone). The first ForwardAsync's finally then runs TryRemove(7) and takes the second request's entry, so
    // the client's cancellation of the second never reaches the pool: the process works on, and logs, for nobody.
    [Fact]
    public Task A_reused_id_after_a_cancellation_can_still_be_cancelled() =>
        // Off the test framework's synchronization context: the transport's continuations must not wait for its threads.
        Task.Run(ReusedIdAsync);

    private static async Task ReusedIdAsync()
    {
        var upstream = new HangingUpstream();
        await using var server = new ModernServer(upstream, TimeSpan.FromMinutes(1), TimeProvider.System);
        await using var transport = new PooledSessionTransport(server, new TaskScope(new TaskOwners(TimeProvider.System), "s", "someone", "g"));

        await transport.SendMessageAsync(Call(7));
        var first = await upstream.Sent.Reader.ReadAsync().AsTask().WaitAsync(Eventually.DefaultWait);
        await transport.SendMessageAsync(Cancel(7));
        await transport.SendMessageAsync(Call(7));
        var second = await upstream.Sent.Reader.ReadAsync().AsTask().WaitAsync(Eventually.DefaultWait);
        await first.Cancelled.Task.WaitAsync(Eventually.DefaultWait);
        await Task.Delay(200); // the first request's finally has run by now

        await transport.SendMessageAsync(Cancel(7));

        var cancelled = await Task.WhenAny(second.Cancelled.Task, Task.Delay(Eventually.DefaultWait)) == second.Cancelled.Task;
        Assert.True(cancelled, "The cancellation of the second request with id 7 did not reach the pool.");
    }

    private static JsonRpcRequest Call(long id) => new() { Id = new RequestId(id), Method = "tools/call", Params = new JsonObject { ["name"] = "hold" } };

    private static JsonRpcNotification Cancel(long id) => new() { Method = "notifications/cancelled", Params = new JsonObject { ["requestId"] = id } };

    private sealed record Sent(TaskCompletionSource Cancelled);

    private sealed class HangingUpstream : IModernUpstream
    {
        public System.Threading.Channels.Channel<Sent> Sent { get; } = System.Threading.Channels.Channel.CreateUnbounded<Sent>();

        public Task<UpstreamAnswer> SendAsync(JsonRpcRequest request, IReadOnlyList<KeyValuePair<string, string>> paramHeaders, CancellationToken cancellationToken)
        {
            var sent = new Sent(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var registration = cancellationToken.Register(() => sent.Cancelled.TrySetResult());
            Sent.Writer.TryWrite(sent);
            return Task.FromResult(new UpstreamAnswer(UpstreamAnswer.StatusOfError, false, Never(cancellationToken), registration));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static async IAsyncEnumerable<JsonRpcMessage> Never([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }
    }
}
