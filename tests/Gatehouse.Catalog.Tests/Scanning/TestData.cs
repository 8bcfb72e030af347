using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Tests.Scanning;

/// <summary>The JSON files copied next to the tests.</summary>
internal static class TestData
{
    public static JsonObject Load(string relativePath) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath)))!.AsObject();

    public static ToolDefinition Tool(JsonNode json) => ToolDefinition.FromJson(json.AsObject())!;

    public static ToolDefinition Tool(string json) => Tool(JsonNode.Parse(json)!);

    /// <summary>Every tool of a listing scanned against its siblings, as the catalog does on each listing.</summary>
    public static List<PoisoningFinding> ScanAll(IReadOnlyList<ToolDefinition> tools)
    {
        var names = tools.Select(tool => tool.Name).ToList();
        return [.. tools.SelectMany(tool => PoisoningScanner.Scan(tool, names.Where(name => name != tool.Name).ToList())
            .Select(finding => finding with { Location = $"{tool.Name}: {finding.Location}" }))];
    }
}
