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

    [Fact]
    public void A_listing_of_hundreds_of_tools_is_scanned_quickly()
    {
        var listmonk = TestData.Load("listmonk-tools.json")["tools"]!.AsArray();
        var tools = Enumerable.Range(0, 30)
            .SelectMany(copy => listmonk.Select(tool =>
            {
                var renamed = tool!.DeepClone().AsObject();
                renamed["name"] = $"{renamed["name"]}_{copy}";
                return TestData.Tool(renamed);
            }))
            .ToList();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var findings = TestData.ScanAll(tools);

        Assert.Empty(findings);
        // About a millisecond a tool on a loaded machine; the bound only catches a cost that grows with the listing.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{tools.Count} tools in {clock.Elapsed.TotalSeconds:F1} s");
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
