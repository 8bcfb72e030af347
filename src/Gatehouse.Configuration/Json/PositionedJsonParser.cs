using System.Text;
using System.Text.Json;

namespace Gatehouse.Configuration.Json;

/// <summary>
/// Reads JSON into <see cref="JsonValueNode"/>s. Comments and trailing commas are allowed because
/// operators edit the file by hand; a repeated key is reported and its later value dropped, because
/// silently letting one win hides the mistake.
/// </summary>
internal static class PositionedJsonParser
{
    private static readonly JsonReaderOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static JsonValueNode? Parse(ReadOnlyMemory<byte> utf8, TextPositionMap map, ConfigErrorList errors)
    {
        var reader = new Utf8JsonReader(utf8.Span, Options);
        try
        {
            reader.Read();
            var root = ReadValue(ref reader, "", map, errors);

            // Reading on past the root value is what makes the reader reject trailing content.
            reader.Read();
            return root;
        }
        catch (JsonException e)
        {
            errors.Add(map.AtLineByte(e.LineNumber ?? 0, e.BytePositionInLine ?? 0), "", WithoutPosition(e.Message));
            return null;
        }
    }

    private static JsonValueNode ReadValue(ref Utf8JsonReader reader, string path, TextPositionMap map, ConfigErrorList errors)
    {
        var position = map.At(reader.TokenStartIndex);
        return reader.TokenType switch
        {
            JsonTokenType.StartObject => ReadObject(ref reader, path, position, map, errors),
            JsonTokenType.StartArray => ReadArray(ref reader, path, position, map, errors),
            JsonTokenType.String => new JsonStringNode(position, ReadString(ref reader, path, position, errors)),
            JsonTokenType.Number => new JsonNumberNode(position, Encoding.UTF8.GetString(reader.ValueSpan)),
            JsonTokenType.True => new JsonBooleanNode(position, true),
            JsonTokenType.False => new JsonBooleanNode(position, false),
            _ => new JsonNullNode(position),
        };
    }

    private static JsonObjectNode ReadObject(
        ref Utf8JsonReader reader, string path, TextPosition position, TextPositionMap map, ConfigErrorList errors)
    {
        var properties = new List<JsonPropertyNode>();
        var seen = new Dictionary<string, TextPosition>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var namePosition = map.At(reader.TokenStartIndex);
            var name = ReadString(ref reader, path, namePosition, errors);
            var propertyPath = FieldPath.Member(path, name);
            reader.Read();
            var value = ReadValue(ref reader, propertyPath, map, errors);
            if (seen.TryGetValue(name, out var first))
            {
                errors.Add(namePosition, propertyPath, $"duplicate key '{name}' (first at line {first.Line}, column {first.Column})");
                continue;
            }

            seen.Add(name, namePosition);
            properties.Add(new JsonPropertyNode(name, namePosition, value));
        }

        return new JsonObjectNode(position, properties);
    }

    private static JsonArrayNode ReadArray(
        ref Utf8JsonReader reader, string path, TextPosition position, TextPositionMap map, ConfigErrorList errors)
    {
        var items = new List<JsonValueNode>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            items.Add(ReadValue(ref reader, FieldPath.Item(path, items.Count), map, errors));
        }

        return new JsonArrayNode(position, items);
    }

    /// <summary>
    /// The input is valid UTF-8 by now, but escapes can still spell a lone surrogate. The text as written
    /// stands in for such a string, so that no second error reports it as empty or missing.
    /// </summary>
    private static string ReadString(ref Utf8JsonReader reader, string path, TextPosition position, ConfigErrorList errors)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            errors.Add(position, path, "the string contains an invalid \\u escape (a lone surrogate)");
            return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    /// <summary>The reader appends its own 0-based position, which would contradict the 1-based one reported.</summary>
    private static string WithoutPosition(string message)
    {
        var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return suffix < 0 ? message : message[..suffix];
    }
}
