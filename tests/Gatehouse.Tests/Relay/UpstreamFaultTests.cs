using System.Text.Json.Nodes;
using Gatehouse.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// An upstream that misbehaves on the wire: lines that are not JSON-RPC, answers to requests nobody made, a result
/// holding text that is not Unicode, a flood of notifications. The gateway relays what it can, answers every client
/// request (never a hang), and the session goes on.
/// </summary>
public sealed class UpstreamFaultTests : IAsyncLifetime
{
    private const int FloodSize = 20_000;

    /// <summary>A stdio server written by hand, one JSON-RPC message a line, so that it can write any bytes it likes.</summary>
    internal const string Upstream = """
        import readline from "node:readline";
        const flood = Number(process.env.FLOOD_SIZE);
        const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");
        const raw = (text) => process.stdout.write(text + "\n");
        const answer = (id, text) => send({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text }] } });
        readline.createInterface({ input: process.stdin }).on("line", (line) => {
          let message;
          try { message = JSON.parse(line); } catch { return; }
          if (message.id === undefined) return;
          switch (message.method) {
            case "initialize":
              send({ jsonrpc: "2.0", id: message.id, result: { protocolVersion: message.params.protocolVersion,
                capabilities: { tools: {}, logging: {} }, serverInfo: { name: "faulty", version: "1.0.0" } } });
              break;
            case "tools/list":
              send({ jsonrpc: "2.0", id: message.id, result: { tools: ["garbage", "not_unicode", "flood", "ok"]
                .map((name) => ({ name, description: `The ${name} tool.`, inputSchema: { type: "object" } })) } });
              break;
            case "tools/call":
              switch (message.params.name) {
                case "garbage":
                  raw("this is not JSON");
                  raw('{"jsonrpc":"2.0","id":');
                  raw("[1,2,3]");
                  send({ jsonrpc: "2.0", id: "nobody-asked", result: {} });
                  send({ jsonrpc: "2.0", method: "notifications/unheard-of", params: { x: 1 } });
                  answer(message.id, "garbage done");
                  break;
                case "not_unicode":
                  raw(`{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":{"content":[{"type":"text","text":"\\ud800"}]}}`);
                  break;
                case "flood":
                  for (let i = 0; i < flood; i++) {
                    send({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: `line ${i}` } });
                  }
                  answer(message.id, "flood done");
                  break;
                default:
                  answer(message.id, `${message.params.name} done`);
              }
              break;
            default:
              send({ jsonrpc: "2.0", id: message.id, result: {} });
          }
        });
        """;

    private static readonly TimeSpan s_callTimeout = TimeSpan.FromSeconds(60);

    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("faulty", Server())));
    }

    /// <summary>The <c>mcpServers</c> entry of the misbehaving server.</summary>
    internal static JsonObject Server() => new()
    {
        ["command"] = NodeTools.Locate().Node,
        ["args"] = new JsonArray("--input-type=module", "-e", Upstream),
        ["env"] = new JsonObject { ["FLOOD_SIZE"] = FloodSize.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Lines_that_are_not_JSON_RPC_and_answers_nobody_asked_for_are_dropped_and_the_call_is_answered()
    {
        await using var client = await _gateway.ConnectAsync("faulty");

        Assert.Equal("garbage done", await CallAsync(client, "garbage"));
        Assert.Equal("ok done", await CallAsync(client, "ok"));
    }

    [Fact]
    public async Task A_result_that_cannot_be_relayed_becomes_an_error_to_its_call_and_the_session_goes_on()
    {
        await using var client = await _gateway.ConnectAsync("faulty");

        // Over Streamable HTTP the call's response stream ends without the result; the client's SDK reports that at once.
        await Assert.ThrowsAnyAsync<McpException>(() => CallAsync(client, "not_unicode"));

        Assert.Equal("ok done", await CallAsync(client, "ok"));
    }

    [Fact]
    public async Task A_flood_of_notifications_reaches_the_client_and_other_sessions_are_served_meanwhile()
    {
        var received = 0;
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                NotificationHandlers = [new(NotificationMethods.LoggingMessageNotification, (_, _) =>
                {
                    Interlocked.Increment(ref received);
                    return ValueTask.CompletedTask;
                })],
            },
        };
        await using var flooded = await _gateway.ConnectAsync("faulty", options);
        await using var other = await _gateway.ConnectAsync("faulty");

        var flood = CallAsync(flooded, "flood");
        Assert.Equal("ok done", await CallAsync(other, "ok"));

        Assert.Equal("flood done", await flood);
        Assert.True(Volatile.Read(ref received) > 0, "No notification of the flood reached the client.");
    }

    private static async Task<string> CallAsync(McpClient client, string tool)
    {
        using var timeout = new CancellationTokenSource(s_callTimeout);
        var result = await client.CallToolAsync(tool, cancellationToken: timeout.Token);
        return ((TextContentBlock)result.Content[0]).Text;
    }
}
