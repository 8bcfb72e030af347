using Gatehouse.Demo;
using Gatehouse.Relay;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// A decision that takes its time (a person approving, a remote counter) must not let a call through that the
/// client cancelled, or that timed out, in the meantime.
/// </summary>
public sealed class CancelledWhileDecidedTests
{
    [Fact]
    public async Task A_call_cancelled_while_its_decision_was_pending_never_reaches_the_upstream()
    {
        using var data = new TestDirectory();
        var gate = new GatedDecisionPoint();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(data.File("listmonk.db")))),
            services => services.AddSingleton<IDecisionPoint>(gate));
        using var raw = new RawMcpClient(gateway.McpUrl("listmonk"));
        var session = await raw.OpenSessionAsync();

        // Its response never comes: the client cancels it below.
        _ = raw.SendAsync(raw.Post("""{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":1}}}""", session));
        await gate.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await raw.CallAsync(session, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}""");
        // The relay handles a session's messages in order: once a later ping is answered, the cancel has been seen.
        await raw.CallAsync(session, """{"jsonrpc":"2.0","id":7,"method":"ping"}""");
        gate.Release.SetResult();

        // The send would take the demo server well under a second; give it several.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, DemoMailbox.CountOutbox(data.File("listmonk.db")));
        Assert.Contains("\"contents\"", await raw.CallAsync(session, """{"jsonrpc":"2.0","id":6,"method":"resources/read","params":{"uri":"listmonk://campaigns"}}"""));
    }

    private sealed class GatedDecisionPoint : IDecisionPoint
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<RequestDecision> DecideAsync(RelayCall call, JsonRpcRequest request, CancellationToken cancellationToken)
        {
            if (request.Method == RequestMethods.ToolsCall)
            {
                Reached.TrySetResult();
                await Release.Task;
            }

            return RequestDecision.Forward;
        }

        public ValueTask<JsonRpcResponse> FilterListAsync(RelayCall call, JsonRpcRequest request, JsonRpcResponse response, CancellationToken cancellationToken) =>
            ValueTask.FromResult(response);
    }
}
