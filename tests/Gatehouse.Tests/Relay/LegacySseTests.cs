using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// Older clients speak the HTTP+SSE transport of MCP 2024-11-05: a GET stream at <c>/mcp/{server}/sse</c> and
/// POSTs to the endpoint it names. The gateway serves them the same upstreams.
/// </summary>
public sealed class LegacySseTests : TestServerGatewayTests
{
    [Fact]
    public async Task A_legacy_sse_client_lists_and_calls_tools()
    {
        await using var client = await Gateway.ConnectAsync("test", mode: HttpTransportMode.Sse);

        Assert.Equal("gatehouse-test-server", client.ServerInfo!.Name);
        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "echo");

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "the old way" });

        Assert.Equal("the old way", Text(echo));
    }

    [Fact]
    public async Task A_legacy_sse_client_answers_a_sampling_request_on_its_event_stream()
    {
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (_, _, _) => ValueTask.FromResult(new CreateMessageResult
                {
                    Model = "test-model",
                    Role = Role.Assistant,
                    Content = [new TextContentBlock { Text = "answered over SSE" }],
                }),
            },
        };
        await using var client = await Gateway.ConnectAsync("test", options, HttpTransportMode.Sse);

        var result = await client.CallToolAsync("test_sampling", new Dictionary<string, object?> { ["prompt"] = "anyone there?" });

        Assert.Equal("LLM response: answered over SSE", Text(result));
    }
}
