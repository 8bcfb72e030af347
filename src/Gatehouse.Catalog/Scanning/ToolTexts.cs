using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Catalog;

/// <summary>What a text is in the definition: the rules read an argument's name differently.</summary>
internal enum TextRole
{
    /// <summary>A string value: a description, a title, a default, an enum value.</summary>
    Value,

    /// <summary>An object's key anywhere in a schema or the annotations.</summary>
    Key,

    /// <summary>The name of an argument the model fills in (a key of <c>inputSchema</c>'s <c>properties</c>).</summary>
    ArgumentName,
}

/// <summary>One text of a tool's definition and where it is.</summary>
internal readonly record struct ToolText(SchemaPath Location, string Text, TextRole Role);

/// <summary>
/// Every text a model reads in a tool's definition: its name, title and description, and every string and key
/// of its schemas and annotations, not only descriptions, because a model reads the whole schema and
/// "full-schema poisoning" puts instructions in names, defaults, enum values or made-up keywords. The walk
/// uses its own stack, so however deep a hostile schema nests it neither overflows nor stops early; object keys
/// go in ordinal order, so the same definition always yields its texts in the same order.
/// </summary>
internal static class ToolTexts
{
    public static IEnumerable<ToolText> Of(ToolDefinition tool)
    {
        var pending = new Stack<Pending>();
        foreach (var (field, node) in tool.Pinned.Reverse())
        {
            pending.Push(new Pending(node, SchemaPath.Field(field), InInput: field == "inputSchema"));
        }

        while (pending.TryPop(out var item))
        {
            if (item.Key is not null)
            {
                yield return new ToolText(item.Path, item.Key, item.KeyRole);
                continue;
            }

            switch (item.Node)
            {
                case JsonObject obj:
                    var keys = obj.Select(pair => pair.Key).Order(StringComparer.Ordinal).ToList();
                    var role = item.InInput && item.Path.IsKey("properties") ? TextRole.ArgumentName : TextRole.Key;
                    for (var i = keys.Count - 1; i >= 0; i--)
                    {
                        var path = item.Path.Key(keys[i]);
                        pending.Push(new Pending(obj[keys[i]], path, item.InInput));
                        pending.Push(new Pending(null, path, item.InInput, keys[i], role));
                    }

                    break;
                case JsonArray array:
                    for (var i = array.Count - 1; i >= 0; i--)
                    {
                        pending.Push(new Pending(array[i], item.Path.Index(i), item.InInput));
                    }

                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    yield return new ToolText(item.Path, value.GetValue<string>(), TextRole.Value);
                    break;
            }
        }
    }

    /// <summary>A node still to walk, or an object's key still to yield (then <see cref="Key"/> is set).</summary>
    private readonly record struct Pending(JsonNode? Node, SchemaPath Path, bool InInput, string? Key = null, TextRole KeyRole = TextRole.Key);
}
