using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Relay.Wire;

namespace Gatehouse.Decisions;

/// <summary>
/// Finds an argument named like a property of the tool's input schema but spelled in another case (<c>Campaign_Id</c>
/// for <c>campaign_id</c>). Gatehouse's checks read names byte for byte and would not see it; a server that reads
/// its arguments into a struct without regard to case (Go's <c>encoding/json</c>) would take it as the property.
/// </summary>
internal static class ArgumentSpellings
{
    /// <summary>Why <paramref name="arguments"/> would be read two ways, or null when they would not.</summary>
    public static string? FindCaseVariant(JsonElement? arguments, JsonObject? schema) =>
        arguments is { } value && schema is not null ? Find(value, schema, "arguments") : null;

    private static string? Find(JsonElement value, JsonObject schema, string path)
    {
        if (value.ValueKind == JsonValueKind.Object && schema["properties"] is JsonObject properties)
        {
            Dictionary<string, string>? byFold = null;
            foreach (var member in value.EnumerateObject())
            {
                if (properties[member.Name] is JsonObject declared)
                {
                    if (Find(member.Value, declared, $"{path}.{member.Name}") is { } nested)
                    {
                        return nested;
                    }

                    continue;
                }

                byFold ??= properties.Select(p => p.Key).GroupBy(CanonicalJson.Fold, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
                if (byFold.TryGetValue(CanonicalJson.Fold(member.Name), out var property))
                {
                    return $"the argument {path}.{member.Name} is a spelling of the tool's {path}.{property}, which Gatehouse checks only as " +
                        $"\"{property}\" while servers that ignore case would take either";
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && schema["items"] is JsonObject items)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Find(item, items, $"{path}[{index++}]") is { } nested)
                {
                    return nested;
                }
            }
        }

        return null;
    }
}
