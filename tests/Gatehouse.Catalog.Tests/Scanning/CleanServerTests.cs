using System.Text.Json;
using Gatehouse.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Catalog.Tests.Scanning;

/// <summary>Real servers' ordinary tools are not withheld: a false alarm costs an operator's time on every listing.</summary>
public sealed class CleanServerTests
{
    [Fact]
    public void No_listmonk_tool_is_flagged()
    {
        var tools = TestData.Load("listmonk-tools.json")["tools"]!.AsArray().Select(tool => TestData.Tool(tool!)).ToList();

        var findings = TestData.ScanAll(tools);

        Assert.Equal(19, tools.Count);
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    /// <remarks>
    /// The client offers roots, sampling and elicitation (form and URL) so that the server lists the tools it keeps
    /// for clients that have them too.
    /// </remarks>
    [Fact]
    public async Task No_tool_of_server_everything_listed_live_is_flagged()
    {
        var node = NodeTools.Locate();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "everything",
            Command = node.Node,
            Arguments = [node.ServerEverything, "stdio"],
        });
        var options = new McpClientOptions
        {
            Capabilities = new ClientCapabilities
            {
                Roots = new RootsCapability(),
                Sampling = new SamplingCapability(),
                Elicitation = new ElicitationCapability { Form = new(), Url = new() },
            },
            Handlers = new McpClientHandlers
            {
                RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [] }),
                SamplingHandler = (_, _, _) => ValueTask.FromResult(new CreateMessageResult { Model = "none", Role = Role.Assistant, Content = [] }),
                ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "decline" }),
            },
        };
        await using var client = await McpClient.CreateAsync(transport, options);

        var listed = await client.ListToolsAsync();
        var tools = listed.Select(tool => TestData.Tool(JsonSerializer.SerializeToNode(tool.ProtocolTool, McpJsonUtilities.DefaultOptions)!)).ToList();
        var findings = TestData.ScanAll(tools);

        Assert.Contains(tools, tool => tool.Name == "trigger-url-elicitation");
        Assert.Contains(tools, tool => tool.Name == "get-env");
        Assert.True(tools.Count >= 17, $"Only {tools.Count} tools listed.");
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }
}
