using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Catalog;

/// <summary>
/// What of a tool the catalog pins: the parts a model reads or that shape a call. A change to any of them is a
/// new definition that an operator must accept.
/// </summary>
public sealed class ToolDefinition
{
    private static readonly string[] _pinnedFields = ["name", "title", "description", "inputSchema", "outputSchema", "annotations"];

    private ToolDefinition(JsonObject pinned, string name)
    {
        Pinned = pinned;
        Name = name;
        Hash = CatalogEntries.Hash(pinned);
    }

    /// <summary>The tool's name.</summary>
    public string Name { get; }

    /// <summary>The tool's title, if it has one.</summary>
    public string? Title => Text("title");

    /// <summary>The tool's description, if it has one.</summary>
    public string? Description => Text("description");

    /// <summary>The JSON Schema of the tool's arguments, if it has one.</summary>
    public JsonObject? InputSchema => Pinned["inputSchema"] as JsonObject;

    /// <summary>The JSON Schema of the tool's structured result, if it has one.</summary>
    public JsonObject? OutputSchema => Pinned["outputSchema"] as JsonObject;

    /// <summary>The tool's MCP annotations (hints such as <c>readOnlyHint</c>), if it has any.</summary>
    public JsonObject? Annotations => Pinned["annotations"] as JsonObject;

    /// <summary>The pinned fields as one JSON object, keys in a fixed order.</summary>
    public JsonObject Pinned { get; }

    /// <summary>SHA-256 (lower-case hex) of <see cref="Pinned"/> in canonical form: equal for equal definitions however they were written.</summary>
    public string Hash { get; }

    /// <summary>A hint from the tool's annotations: true, false, or null when the server gave none.</summary>
    public bool? Hint(string name) =>
        Annotations?[name] is JsonValue value && value.TryGetValue(out bool hint) ? hint : null;

    /// <summary>
    /// The definition of a tool as an MCP server lists it (an item of <c>tools/list</c>); null when it has no name,
    /// holds text that is not text (half of a surrogate pair, <c>"\ud800"</c>) or a key written twice, which no JSON
    /// reader will read, or spells a field of the definition in another case (<c>"Description"</c>).
    /// </summary>
    public static ToolDefinition? FromJson(JsonObject tool)
    {
        ArgumentNullException.ThrowIfNull(tool);
        try
        {
            if (tool["name"] is not JsonValue nameValue || !nameValue.TryGetValue(out string? name) || HasCaseVariants(tool))
            {
                return null;
            }

            var pinned = new JsonObject();
            foreach (var field in _pinnedFields)
            {
                if (tool[field] is { } value)
                {
                    pinned[field] = value.DeepClone();
                }
            }

            // Hashing reads every string of the definition, so a definition that gets this far reads whole.
            return new ToolDefinition(pinned, name);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Parses a definition stored as <see cref="Pinned"/>'s JSON text.</summary>
    public static ToolDefinition Parse(string json) =>
        FromJson(JsonNode.Parse(json) as JsonObject ?? throw new JsonException("A tool definition is a JSON object."))
        ?? throw new JsonException("A tool definition has a name.");

    // Clients such as the MCP SDKs read a tool's fields whatever their case, the last one written winning: a
    // "Description" beside the "description" that is pinned and scanned would reach the model unseen.
    private static bool HasCaseVariants(JsonObject tool)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, _) in tool)
        {
            if (!keys.Add(key) || _pinnedFields.Any(field => field != key && string.Equals(field, key, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    private string? Text(string field) =>
        Pinned[field] is JsonValue value && value.TryGetValue(out string? text) ? text : null;
}
