using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Relay;

/// <summary>
/// Finds an object key that occurs twice. The SDK keeps both occurrences and re-sends them, so a checker that
/// reads one value and a server that reads the other could disagree: such a message is refused whole.
/// </summary>
public static class DuplicateKeys
{
    /// <summary>The JSON path of the first duplicated key in <paramref name="node"/>, or null when there is none.</summary>
    public static string? Find(JsonNode? node) =>
        node is null ? null : Find(JsonSerializer.SerializeToElement(node), "$");

    private static string? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var childPath = $"{path}.{property.Name}";
                    if (!seen.Add(property.Name))
                    {
                        return childPath;
                    }

                    if (Find(property.Value, childPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;

            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;

            default:
                return null;
        }
    }
}
