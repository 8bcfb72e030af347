using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>Tool definitions for the classifier's tests.</summary>
internal static class Tools
{
    public static ToolDefinition Definition(string json) => ToolDefinition.FromJson(JsonNode.Parse(json)!.AsObject())!;

    public static ToolDefinition Named(string name, string? description = null, JsonObject? inputSchema = null, JsonObject? annotations = null)
    {
        var tool = new JsonObject { ["name"] = name };
        if (description is not null)
        {
            tool["description"] = description;
        }

        if (inputSchema is not null)
        {
            tool["inputSchema"] = inputSchema;
        }

        if (annotations is not null)
        {
            tool["annotations"] = annotations;
        }

        return ToolDefinition.FromJson(tool)!;
    }

    /// <summary>An input schema with one property of the given schema.</summary>
    public static JsonObject WithArgument(string name, string propertySchema) => new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { [name] = JsonNode.Parse(propertySchema) },
    };

    /// <summary>The Listmonk MCP server's tools as the repository keeps them (src/Gatehouse.Demo/listmonk-tools.json).</summary>
    public static IReadOnlyList<ToolDefinition> Listmonk()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "listmonk-tools.json")))!;
        return file["tools"]!.AsArray().Select(tool => ToolDefinition.FromJson(tool!.AsObject())!).ToList();
    }

    /// <summary>The class as a rationale ends with it: "execute, high".</summary>
    public static string Class(ToolClassification classification) =>
        $"{classification.Category.ToString().ToLowerInvariant()}, {classification.Risk.ToString().ToLowerInvariant()}";
}
