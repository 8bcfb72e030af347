using System.Text;
using System.Text.Json;

namespace Gatehouse.Policy.Json;

/// <summary>
/// A JSON text parsed for validation: the document, plus where every key and value starts in the text,
/// which <see cref="JsonDocument"/> does not keep. Duplicate keys are reported here because a document
/// with them means different things to different readers.
/// </summary>
internal sealed class JsonSource : IDisposable
{
    private const int _maxDepth = 64;

    private readonly JsonDocument _document;
    private readonly Dictionary<string, SourcePosition> _keys;
    private readonly Dictionary<string, SourcePosition> _values;

    private JsonSource(JsonDocument document, Dictionary<string, SourcePosition> keys, Dictionary<string, SourcePosition> values)
    {
        _document = document;
        _keys = keys;
        _values = values;
    }

    public JsonElement Root => _document.RootElement;

    /// <summary>Parses <paramref name="text"/>; null when it is not JSON at all, with the reason in <paramref name="errors"/>.</summary>
    public static JsonSource? Load(string text, List<PolicyError> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = Encoding.UTF8.GetBytes(text.StartsWith('\uFEFF') ? text[1..] : text);
        var lines = new LineMap(utf8);
        var keys = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        var values = new Dictionary<string, SourcePosition>(StringComparer.Ordinal);
        if (!Scan(utf8, lines, keys, values, errors))
        {
            return null;
        }
        var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = _maxDepth });
        return new JsonSource(document, keys, values);
    }

    public SourcePosition ValueAt(string path) => _values.GetValueOrDefault(path, new SourcePosition(1, 1));

    /// <summary>Where the key of <paramref name="path"/> starts; the value's position for array items and the root.</summary>
    public SourcePosition KeyAt(string path) => _keys.TryGetValue(path, out var key) ? key : ValueAt(path);

    public void Dispose() => _document.Dispose();

    private static bool Scan(
        byte[] utf8,
        LineMap lines,
        Dictionary<string, SourcePosition> keys,
        Dictionary<string, SourcePosition> values,
        List<PolicyError> errors)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = _maxDepth });
        var open = new Stack<Container>();
        var pendingKey = "";
        try
        {
            while (reader.Read())
            {
                var at = lines.At(reader.TokenStartIndex);
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        pendingKey = PolicyPath.Property(open.Peek().Path, name);
                        if (!open.Peek().Keys.Add(name))
                        {
                            var first = keys[pendingKey];
                            errors.Add(new PolicyError(at.Line, at.Column, pendingKey,
                                $"duplicate key {PolicyPath.Quote(name)} (first at line {first.Line}, column {first.Column}); readers disagree on which one counts"));
                        }
                        keys.TryAdd(pendingKey, at);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.Pop();
                        break;
                    default:
                        var path = open.Count == 0 ? "" : open.Peek().IsArray ? PolicyPath.Item(open.Peek().Path, open.Peek().NextIndex++) : pendingKey;
                        values.TryAdd(path, at);
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            open.Push(new Container(path, reader.TokenType == JsonTokenType.StartArray));
                        }
                        else if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped)
                        {
                            // Decoding now surfaces an escaped lone surrogate here, with a position, instead of later.
                            _ = reader.GetString();
                        }
                        break;
                }
            }
            return true;
        }
        catch (JsonException e)
        {
            var at = lines.At(e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            errors.Add(new PolicyError(at.Line, at.Column, "", "invalid JSON: " + WithoutReaderPosition(e.Message)));
            return false;
        }
        catch (InvalidOperationException e)
        {
            var at = lines.At(reader.TokenStartIndex);
            errors.Add(new PolicyError(at.Line, at.Column, "", "invalid JSON string: " + e.Message));
            return false;
        }
    }

    // The reader appends its own 0-based position, which would contradict the 1-based one we report.
    private static string WithoutReaderPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private sealed class Container(string path, bool isArray)
    {
        public string Path { get; } = path;

        public bool IsArray { get; } = isArray;

        public int NextIndex { get; set; }

        public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
    }
}
