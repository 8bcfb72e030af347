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
