using System.Text.Json;
using Gatehouse.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>
/// npm's reference server <c>server-everything</c>, listed live over stdio with the MCP C# SDK's client. Its
/// tools carry annotations, so this is where the classifier meets a server's own claims about its tools.
/// </summary>
public sealed class ServerEverythingClassificationTests(ServerEverythingClassificationTests.Listing listing)
    : IClassFixture<ServerEverythingClassificationTests.Listing>
{
    /// <summary>
    /// Every tool's class, pinned. The last three are listed only to a client that offers sampling, elicitation
    /// or roots, which the client here does; the tools listed only to clients with URL elicitation or tasks
    /// are not listed to it.
    /// </summary>
    private static readonly Dictionary<string, string> _expected = new(StringComparer.Ordinal)
    {
        ["echo"] = "read, low",
        ["get-annotated-message"] = "read, low",
        // Environment variables are where servers keep their credentials.
        ["get-env"] = "read, high",
        ["get-resource-links"] = "read, low",
        ["get-resource-reference"] = "read, low",
        ["get-structured-content"] = "read, low",
        ["get-sum"] = "read, low",
        ["get-tiny-image"] = "read, low",
        // The server fetches a URL the agent chooses.
        ["gzip-file-as-resource"] = "write, medium",
        ["toggle-simulated-logging"] = "write, medium",
        ["toggle-subscriber-updates"] = "write, medium",
        // Annotated read-only, but "trigger" runs something: the more cautious reading.
        ["trigger-long-running-operation"] = "execute, medium",
        ["simulate-research-query"] = "write, medium",
        ["get-roots-list"] = "read, low",
        ["trigger-elicitation-request"] = "execute, medium",
        ["trigger-sampling-request"] = "execute, medium",
    };

    [Fact]
    public async Task Every_tool_gets_its_pinned_class_with_a_rationale()
    {
        var tools = await listing.Tools;

        // A tool the server adds fails here until someone chooses its class.
        Assert.Equal(_expected.Keys.Order(StringComparer.Ordinal), tools.Select(tool => tool.Name).Order(StringComparer.Ordinal));
        Assert.All(tools, tool =>
        {
            var classification = ToolClassifier.Classify(tool);
            Assert.Equal(_expected[tool.Name], Tools.Class(classification));
            Assert.EndsWith($" → {_expected[tool.Name]}", classification.Rationale);
        });
    }

    [Fact]
    public async Task Rationales_name_the_annotations_they_followed_and_the_ones_they_overruled()
    {
        var tools = (await listing.Tools).ToDictionary(tool => tool.Name, ToolClassifier.Classify);

        Assert.Contains("annotations: readOnlyHint", tools["echo"].Rationale);
        Assert.Contains("noun 'env' in the name", tools["get-env"].Rationale);
        Assert.Contains("URL argument 'data'", tools["gzip-file-as-resource"].Rationale);
        Assert.Contains("openWorldHint", tools["gzip-file-as-resource"].Rationale);
        Assert.Contains("more cautious reading", tools["trigger-long-running-operation"].Rationale);
    }

    /// <summary>The server started once for the class's tests.</summary>
    public sealed class Listing
    {
        public Task<IReadOnlyList<ToolDefinition>> Tools { get; } = ListToolsAsync();
    }

    /// <summary>The tools as a client that offers sampling, elicitation and roots sees them once the server has registered them all.</summary>
    private static async Task<IReadOnlyList<ToolDefinition>> ListToolsAsync()
    {
        var node = NodeTools.Locate();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "server-everything",
            Command = node.Node,
            Arguments = [node.ServerEverything, "stdio"],
            // server-everything does not exit when its stdin closes; the default wait before the kill only slows the test.
            ShutdownTimeout = TimeSpan.FromSeconds(1),
        });
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (_, _, _) => throw new NotSupportedException(),
                ElicitationHandler = (_, _) => throw new NotSupportedException(),
                RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult { Roots = [] }),
            },
        };
        await using var client = await McpClient.CreateAsync(transport, options);

        // The server registers the capability-dependent tools only after initialization (and says so with
        // list-changed notifications), so the first list may come too early.
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        IList<McpClientTool> listed = await client.ListToolsAsync();
        while (!listed.Any(tool => tool.Name == "trigger-sampling-request") && !patience.IsCancellationRequested)
        {
            await Task.Delay(100);
            listed = await client.ListToolsAsync();
        }

        return listed
            .Select(tool => ToolDefinition.FromJson(JsonSerializer.SerializeToNode(tool.ProtocolTool, McpJsonUtilities.DefaultOptions)!.AsObject())!)
            .ToList();
    }
}
