using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using ModelContextProtocol.Client;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Cli;

/// <summary>
/// <c>gatehouse stdio</c> as a client that only launches local servers sees it: a child process the SDK's
/// stdio transport starts, here in front of the demo mailing-list server.
/// </summary>
public sealed class StdioFrontTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly ProcessMarker _marker = new();

    public void Dispose() => _directory.Dispose();

    /// <remarks>One scenario from launch to close, because each launch starts two .NET processes.</remarks>
    [Fact]
    public async Task A_client_that_launches_gatehouse_stdio_uses_the_upstream_and_closing_it_ends_both_processes()
    {
        var client = await McpClient.CreateAsync(Launch());
        try
        {
            var tools = await client.ListToolsAsync();
            Assert.Equal(19, tools.Count);
            Assert.Contains(tools, t => t.Name == "send_campaign");

            var lists = await client.CallToolAsync("get_mailing_lists");
            var names = JsonNode.Parse(Text(lists))!.AsArray().Select(l => l!["name"]!.GetValue<string>());
            Assert.Contains("Weekly Newsletter", names);

            // gatehouse itself and the demo server it launched, both carrying the marker they inherited.
            Assert.True(_marker.FindProcessIds().Count >= 2, $"Expected gatehouse and its upstream, found: {ProcessMarker.Describe(_marker.FindProcessIds())}");
        }
        finally
        {
            await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        }

        await WaitUntilAsync(() => _marker.FindProcessIds().Count == 0, seconds: 15);
    }

    /// <remarks>Raw lines, as no SDK client would write them.</remarks>
    [Fact]
    public async Task Lines_that_readers_could_read_two_ways_are_answered_with_errors_and_the_session_goes_on()
    {
        await using var gateway = RawStdioGateway.Start(_directory, Upstreams.Demo(_directory.File("listmonk.db")), _marker);
        Assert.NotNull((await gateway.ExchangeAsync(Encoding.UTF8.GetBytes(RawMcpClient.Initialize)))["result"]);

        var surrogate = await gateway.ExchangeAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_mailing_lists","arguments":{"q":"\ud800"}}}"""u8.ToArray());
        Assert.Equal(2, surrogate["id"]!.GetValue<int>());
        Assert.Equal(-32602, surrogate["error"]!["code"]!.GetValue<int>());

        var notUtf8 = await gateway.ExchangeAsync([.. "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"x\":\""u8, 0xC3, 0x28, .. "\"}}"u8]);
        Assert.Equal(-32700, notUtf8["error"]!["code"]!.GetValue<int>());

        // An answer to a request of the server is refused unanswered: an error under its id (the server's) would
        // reach the client as the answer to the client's own request 4.
        await gateway.WriteAsync("""{"jsonrpc":"2.0","id":4,"result":{"role":"assistant","content":{"type":"text","text":"\ud83d"}}}"""u8.ToArray());
        var tools = await gateway.ExchangeAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/list"}"""u8.ToArray());
        Assert.Equal(19, tools["result"]!["tools"]!.AsArray().Count);
    }

    [Fact]
    public async Task An_upstream_answer_that_cannot_be_relayed_becomes_an_error_to_its_call()
    {
        await using var gateway = RawStdioGateway.Start(_directory, Relay.UpstreamFaultTests.Server(), _marker);
        Assert.NotNull((await gateway.ExchangeAsync(Encoding.UTF8.GetBytes(RawMcpClient.Initialize)))["result"]);

        var unrelayable = await gateway.ExchangeAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"not_unicode"}}"""u8.ToArray());
        Assert.Equal(2, unrelayable["id"]!.GetValue<int>());
        Assert.Contains("could not relay", unrelayable["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var ok = await gateway.ExchangeAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"ok"}}"""u8.ToArray());
        Assert.Equal("ok done", ok["result"]!["content"]![0]!["text"]!.GetValue<string>());
    }

    /// <summary><c>gatehouse stdio</c> as a child process written to and read from line by line.</summary>
    private sealed class RawStdioGateway : IAsyncDisposable
    {
        private readonly Process _process;

        private RawStdioGateway(Process process) => _process = process;

        public static RawStdioGateway Start(TestDirectory directory, JsonObject upstream, ProcessMarker marker)
        {
            var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("upstream", upstream)));
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                Environment = { [ProcessMarker.VariableName] = marker.Value },
            };
            foreach (var arg in new[] { Upstreams.GatehouseAssembly, "stdio", "--config", config, "--server", "upstream" })
            {
                start.ArgumentList.Add(arg);
            }

            var process = Process.Start(start)!;
            _ = process.StandardError.ReadToEndAsync();
            return new RawStdioGateway(process);
        }

        /// <summary>Writes one line.</summary>
        public async Task WriteAsync(byte[] line)
        {
            var input = _process.StandardInput.BaseStream;
            await input.WriteAsync(line);
            await input.WriteAsync("\n"u8.ToArray());
            await input.FlushAsync();
        }

        /// <summary>Writes one line and reads the next line the gateway writes.</summary>
        public async Task<JsonNode> ExchangeAsync(byte[] line)
        {
            await WriteAsync(line);
            var reply = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                ?? throw new InvalidOperationException("gatehouse stdio closed its output.");
            return JsonNode.Parse(reply)!;
        }

        public async ValueTask DisposeAsync()
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            _process.Dispose();
        }
    }

    private StdioClientTransport Launch()
    {
        var config = GatewayConfigFile.Write(_directory, Upstreams.Servers(("listmonk", Upstreams.Demo(_directory.File("listmonk.db")))));
        return new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "gatehouse",
            Command = "dotnet",
            Arguments = [Upstreams.GatehouseAssembly, "stdio", "--config", config, "--server", "listmonk"],
            EnvironmentVariables = new Dictionary<string, string?> { [ProcessMarker.VariableName] = _marker.Value },
            // Longer than the test waits for the close: were gatehouse not to exit by itself when its stdin
            // closes, the SDK's kill at the end of this grace period could not hide it.
            ShutdownTimeout = TimeSpan.FromSeconds(60),
        });
    }
}
