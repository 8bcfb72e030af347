using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary>One step of an <see cref="ArgumentPath"/>: an object member by name, or an array item by index.</summary>
internal readonly record struct PathSegment(string? Name, int Index)
{
    private static readonly SearchValues<char> _plainNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    public static PathSegment Property(string name) => new(name, -1);

    public static PathSegment Item(int index) => new(null, index);

    public bool TryStep(JsonElement from, out JsonElement to)
    {
        to = default;
        if (Name is not null)
        {
            return from.ValueKind == JsonValueKind.Object && from.TryGetProperty(Name, out to);
        }
        if (from.ValueKind != JsonValueKind.Array || Index >= from.GetArrayLength())
        {
            return false;
        }
        to = from[Index];
        return true;
    }

    public JsonNode? Step(JsonNode from) => Name is not null
        ? (from as JsonObject)?[Name]
        : from is JsonArray array && Index < array.Count ? array[Index] : null;

    public bool TryReplace(JsonNode parent, JsonNode replacement)
    {
        if (Name is not null)
        {
            if (parent is not JsonObject obj || !obj.ContainsKey(Name))
            {
                return false;
            }
            obj[Name] = replacement;
            return true;
        }
        if (parent is not JsonArray array || Index >= array.Count)
        {
            return false;
        }
        array[Index] = replacement;
        return true;
    }

    public void AppendTo(StringBuilder text)
    {
        if (Name is null)
        {
            text.Append('[').Append(Index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
        else if (Name.Length > 0 && !char.IsAsciiDigit(Name[0]) && Name.AsSpan().IndexOfAnyExcept(_plainNameChars) < 0)
        {
            text.Append('.').Append(Name);
        }
        else
        {
            text.Append('[').Append(PolicyPath.Quote(Name)).Append(']');
        }
    }
}
