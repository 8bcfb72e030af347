using System.Diagnostics;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// A client that is not the C# SDK: the TypeScript SDK's, as most agents embed it, over Streamable HTTP through
/// the gateway. What one SDK tolerates, another may not; transparency is for every client.
/// </summary>
public sealed class TypeScriptClientTests : TestServerGatewayTests
{
    /// <summary>
    /// Connects to the URL in GATEHOUSE_URL, lists tools, calls echo, answers the server's sampling request, ends
    /// the session and prints what it saw as one JSON line.
    /// </summary>
    private const string Script = """
        import { Client } from "@modelcontextprotocol/sdk/client/index.js";
        import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
        import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";

        const client = new Client({ name: "gatehouse-ts-test", version: "1.0.0" }, { capabilities: { sampling: {} } });
        client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
          model: "ts-model",
          role: "assistant",
          content: { type: "text", text: `ts answered '${request.params.messages[0].content.text}'` },
        }));
        const transport = new StreamableHTTPClientTransport(new URL(process.env.GATEHOUSE_URL));
        await client.connect(transport);
        const tools = await client.listTools();
        const echo = await client.callTool({ name: "echo", arguments: { message: "from TypeScript" } });
        const sampled = await client.callTool({ name: "test_sampling", arguments: { prompt: "hello from node" } });
        await transport.terminateSession();
        await client.close();
        console.log(JSON.stringify({
          server: client.getServerVersion().name,
          tools: tools.tools.map((t) => t.name),
          echo: echo.content[0].text,
          sampled: sampled.content[0].text,
        }));
        """;

    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_typescript_sdk_lists_and_calls_tools_and_answers_sampling_through_theGateway()
    {
        var seen = await RunScriptAsync(Gateway.McpUrl("test"));

        Assert.Equal("gatehouse-test-server", seen["server"]!.GetValue<string>());
        var tools = seen["tools"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
        Assert.Contains("echo", tools);
        Assert.Contains("test_sampling", tools);
        Assert.Equal("from TypeScript", seen["echo"]!.GetValue<string>());
        Assert.Equal("LLM response: ts answered 'hello from node'", seen["sampled"]!.GetValue<string>());
    }

    private static Task<JsonNode> RunScriptAsync(Uri gatewayUrl) =>
        NodeScript.RunAsync(Script, new Dictionary<string, string> { ["GATEHOUSE_URL"] = gatewayUrl.ToString() }, s_hangGuard, "The TypeScript client");
}
