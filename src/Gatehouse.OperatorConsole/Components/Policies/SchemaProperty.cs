using System.Text.Json.Nodes;

namespace Gatehouse.OperatorConsole.Components.Policies;

/// <summary>
/// One top-level argument of a tool, as its input schema describes it: what the builder offers conditions for and
/// what the dry run asks a value of.
/// </summary>
/// <param name="Name">The argument's name, as the call's arguments object spells it.</param>
/// <param name="Type">The schema's type (<c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>, <c>array</c>, <c>object</c>), or null when it gives none.</param>
/// <param name="Description">What the server says the argument is.</param>
/// <param name="Required">Whether the schema requires it.</param>
/// <param name="Enum">The values the schema allows, when it lists them.</param>
/// <param name="Minimum">The schema's <c>minimum</c>, when it has one.</param>
/// <param name="Maximum">The schema's <c>maximum</c>, when it has one.</param>
/// <param name="ItemType">For an array, its items' type, when the schema gives one.</param>
public sealed record SchemaProperty(string Name, string? Type, string? Description, bool Required, IReadOnlyList<JsonNode> Enum,
    decimal? Minimum, decimal? Maximum, string? ItemType)
{
    /// <summary>Whether numbers are written here: the schema says <c>integer</c> or <c>number</c>.</summary>
    public bool IsNumber => Type is "integer" or "number";

    /// <summary>
    /// The properties of <paramref name="inputSchema"/> (a tool's <c>inputSchema</c>), in the order the server wrote
    /// them; none when it has no <c>properties</c>.
    /// </summary>
    public static IReadOnlyList<SchemaProperty> Of(JsonObject? inputSchema)
    {
        if (inputSchema?["properties"] is not JsonObject properties)
        {
            return [];
        }

        var required = inputSchema["required"] is JsonArray names ? names.Select(Text).OfType<string>().ToHashSet(StringComparer.Ordinal) : [];
        return [.. properties.Select(p => p.Value is JsonObject schema
            ? new SchemaProperty(p.Key, TypeOf(schema), Text(schema["description"]), required.Contains(p.Key),
                schema["enum"] is JsonArray values ? [.. values.OfType<JsonNode>()] : [],
                Number(schema["minimum"]), Number(schema["maximum"]), (schema["items"] as JsonObject) is { } items ? TypeOf(items) : null)
            : new SchemaProperty(p.Key, null, null, required.Contains(p.Key), [], null, null, null))];
    }

    // A type may be a list such as ["string", "null"]: the first that is not null is what a person fills in.
    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonArray types => types.Select(Text).FirstOrDefault(t => t is not null and not "null"),
        var type => Text(type),
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static decimal? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<decimal>(out var number) ? number : null;
}
