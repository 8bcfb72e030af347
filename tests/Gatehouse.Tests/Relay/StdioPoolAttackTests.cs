using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Gatehouse.Configuration;
using Gatehouse.Relay;
using Gatehouse.Relay.Modern;
using Gatehouse.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The stdio pool against what an attacker would try: nothing of one caller's request on a shared process reaches
/// another, and a stop of the pool leaves nothing running.
/// </summary>
public sealed class StdioPoolAttackTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>leaky</c> works on after its client went away (cancellation is cooperative) and logs every 20 ms, for the request
    /// that asked for logs; <c>wait</c> is answered once the server was told that <c>leaky</c> was cancelled and has logged
    /// once more, so that log comes while only <c>wait</c> is in flight.
    /// </summary>
    private const string LeakyServer = """
        const text = (t) => ({ content: [{ type: "text", text: t }] });
        const cancelled = new Set();
        let leaky = null;
        let waiting = null;
        setInterval(() => {
          if (leaky === null) return;
          send({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "a secret of the first caller" } });
          if (waiting !== null && cancelled.has(leaky)) { const id = waiting; waiting = null; result(id, text("waited")); }
        }, 20);
        readline.createInterface({ input: process.stdin }).on("line", (line) => {
          let m;
          try { m = JSON.parse(line); } catch { return; }
          if (m.method === "notifications/cancelled") { cancelled.add(m.params.requestId); return; }
          if (m.id === undefined) return;
          switch (m.method) {
            case "server/discover":
              result(m.id, { supportedVersions: ["2026-07-28"], capabilities: { tools: {}, logging: {} }, serverInfo: { name: "leaky", version: "1.0.0" } });
              break;
            case "tools/list":
              result(m.id, { tools: ["leaky", "wait"].map((name) => ({ name, inputSchema: { type: "object" } })) });
              break;
            case "tools/call":
              if (m.params.name === "leaky") leaky = m.id;
              else if (m.params.name === "wait") waiting = m.id;
              else result(m.id, text("ok"));
              break;
            default:
              send({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "Method not found" } });
          }
        });
        """;

    // A pool of two processes: a task made on the second (the first busy) is read there, even while the second is busy
    // and the first is not, since only the process that made a task holds it.
    [Fact]
    public async Task A_tasks_requests_go_to_the_pooled_process_that_created_it()
    {
        var marker = new ProcessMarker();
        var server = HandWrittenStdioServer.Entry(HandWrittenStdioServer.Tasks, new JsonObject { ["min"] = 2, ["max"] = 2 },
            new JsonObject { [ProcessMarker.VariableName] = marker.Value });
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("tasks", server)));
        await Eventually.UntilAsync(() => Task.FromResult(marker.FindProcessIds().Count == 2), "two pooled processes");
        using var client = new RawMcpClient(gateway.McpUrl("tasks"));

        using var firstHold = await HoldAsync(client, id: 1, ms: 5000);
        var (_, created) = await client.ExchangeAsync(client.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }, id: 2));
        var taskId = (string)created["result"]!["taskId"]!;
        using var secondHold = await HoldAsync(client, id: 3, ms: 60000);
        await firstHold.Content.ReadAsStringAsync().WaitAsync(s_wait);

        var (_, read) = await client.ExchangeAsync(client.PostSessionless("tasks/get", new JsonObject { ["taskId"] = taskId }, id: 4));

        Assert.Equal("completed", (string?)read["result"]?["status"]);
    }

    // Starts a hold call and returns once the pooled process has begun it (its first progress notification arrived).
    private static async Task<HttpResponseMessage> HoldAsync(RawMcpClient client, int id, int ms)
    {
        var request = client.PostSessionless("tools/call", new JsonObject
        {
            ["name"] = "hold",
            ["arguments"] = new JsonObject { ["ms"] = ms },
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
                ["progressToken"] = $"hold-{id}",
            },
        }, id: id);
        using var timeout = new CancellationTokenSource(s_wait);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    // README: "Gatehouse gives each its own id and progress token and hands every answer back to the request it belongs
    // to". A log message names no request; the pool gives it to whichever request is alone in flight, and a request whose
    // client went away is no longer in flight, though the process still works on it.
    [Fact]
    public async Task The_log_of_a_request_whose_client_went_away_never_reaches_the_next_callers_request()
    {
        var server = HandWrittenStdioServer.Entry(LeakyServer, new JsonObject { ["min"] = 1, ["max"] = 1 });
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("leaky", server)));
        using var first = new RawMcpClient(gateway.McpUrl("leaky"));
        using var second = new RawMcpClient(gateway.McpUrl("leaky"));

        // The first caller asks for logs, reads the start of its stream, and goes away.
        using var leaky = first.PostSessionless("tools/call", new JsonObject
        {
            ["name"] = "leaky",
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
                ["io.modelcontextprotocol/logLevel"] = "info",
            },
        }, id: 1);
        using (var timeout = new CancellationTokenSource(s_wait))
        {
            using var started = await first.SendAsync(leaky, HttpCompletionOption.ResponseHeadersRead).WaitAsync(timeout.Token);
            Assert.Equal("text/event-stream", started.Content.Headers.ContentType?.MediaType);
            using var stream = await started.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[256];
            Assert.True(await stream.ReadAsync(buffer, timeout.Token) > 0, "the first caller's log stream began");
        }

        // The second caller asks for no logs at all.
        using var wait = second.PostSessionless("tools/call", new JsonObject { ["name"] = "wait" }, id: 1);
        using var waitTimeout = new CancellationTokenSource(s_wait);
        using var answered = await second.SendAsync(wait).WaitAsync(waitTimeout.Token);
        var body = await answered.Content.ReadAsStringAsync(waitTimeout.Token);

        Assert.Contains("waited", body, StringComparison.Ordinal);
        Assert.DoesNotContain("a secret of the first caller", body, StringComparison.Ordinal);
    }

    // "all stop with the gateway": a process whose start was under way when the pool stopped is added to the pool after
    // the pool let go of its processes, and is never stopped.
    [Fact]
    public async Task A_process_that_finishes_starting_as_the_pool_stops_is_stopped_too()
    {
        var connector = new GatedConnector();
        var config = new UpstreamServerConfig { Name = "gated", Kind = UpstreamKind.Stdio, Command = "gated", Pool = new ProcessPoolConfig(1, 1) };
        var pool = new StdioPool(config, config.Pool, connector, TimeProvider.System, NullLogger.Instance);
        await connector.Entered.Task.WaitAsync(s_wait);

        await pool.DisposeAsync().AsTask().WaitAsync(s_wait);
        connector.Release.SetResult();

        var transport = await Eventually.UntilAsync(() => Task.FromResult(connector.Made.FirstOrDefault()), "process whose start completed", s_wait);
        var stopped = await Task.WhenAny(transport.Disposed.Task, Task.Delay(TimeSpan.FromSeconds(10))) == transport.Disposed.Task;
        Assert.True(stopped, "The process whose start completed as the pool stopped was not stopped within 10 s.");
    }

    /// <summary>A connector whose one start waits for the test, as a process start that completes just as the pool stops.</summary>
    private sealed class GatedConnector : IUpstreamConnector
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<FakeTransport> Made { get; } = new();

        public async Task<ITransport> ConnectAsync(UpstreamServerConfig server, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            // The process is already running by now: a stop that comes meanwhile does not undo the start.
            await Release.Task;
            var transport = new FakeTransport();
            Made.Enqueue(transport);
            return transport;
        }

        public Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, CancellationToken cancellationToken) =>
            Task.FromResult<ITransport?>(null);
    }

    private sealed class FakeTransport : ITransport
    {
        private readonly Channel<JsonRpcMessage> _incoming = Channel.CreateUnbounded<JsonRpcMessage>();

        public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string? SessionId => null;

        public ChannelReader<JsonRpcMessage> MessageReader => _incoming.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            _incoming.Writer.TryComplete();
            Disposed.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}
