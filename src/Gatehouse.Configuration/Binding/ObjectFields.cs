using System.Globalization;
using Gatehouse.Configuration.Json;
using Gatehouse.Policy;

namespace Gatehouse.Configuration.Binding;

/// <summary>
/// Reads the fields of one JSON object: reports unknown fields up front and mistyped ones as they are read,
/// returning null for both so that the caller carries on and more problems surface in the same run.
/// A field written as <c>null</c> reads as absent, which is how MCP client configs use it.
/// </summary>
internal sealed class ObjectFields
{
    private readonly JsonObjectNode _node;
    private readonly ConfigErrorList _errors;

    private ObjectFields(JsonObjectNode node, string path, ConfigErrorList errors)
    {
        _node = node;
        _errors = errors;
        Path = path;
    }

    public string Path { get; }

    public TextPosition Position => _node.Position;

    public static ObjectFields? Open(JsonValueNode node, string path, IReadOnlyList<string> knownFields, ConfigErrorList errors)
    {
        if (node is not JsonObjectNode obj)
        {
            errors.Add(node.Position, path, $"expected an object, found {node.Description}");
            return null;
        }

        foreach (var property in obj.Properties.Where(p => !knownFields.Contains(p.Name)))
        {
            var hint = Suggestion.Closest(property.Name, knownFields) is { } match
                ? $"did you mean '{match}'?"
                : $"expected one of: {string.Join(", ", knownFields)}";
            errors.Add(property.NamePosition, FieldPath.Member(path, property.Name), $"unknown field; {hint}");
        }

        return new ObjectFields(obj, path, errors);
    }

    public string PathOf(string name) => FieldPath.Member(Path, name);

    public bool Has(string name) => Value(name) is not null;

    public void Require(string name)
    {
        if (!Has(name))
        {
            _errors.Add(Position, PathOf(name), "is required");
        }
    }

    public void ReportObject(string message) => _errors.Add(_node.Position, Path, message);

    /// <summary>Reports a problem with a field at its value, or at the object when the field is absent.</summary>
    public void Report(string name, string message) => _errors.Add((Value(name) ?? _node).Position, PathOf(name), message);

    public JsonStringNode? String(string name) => Typed<JsonStringNode>(name, "a string");

    /// <summary>A string with something in it: names and paths that are blank are always mistakes.</summary>
    public string? Text(string name)
    {
        var node = String(name);
        if (node is not null && string.IsNullOrWhiteSpace(node.Value))
        {
            Report(name, "must not be empty");
            return null;
        }

        return node?.Value;
    }

    public JsonObjectNode? Object(string name) => Typed<JsonObjectNode>(name, "an object");

    public JsonArrayNode? Array(string name) => Typed<JsonArrayNode>(name, "an array");

    public bool? Boolean(string name) => Typed<JsonBooleanNode>(name, "true or false")?.Value;

    public int? PositiveInteger(string name) => WholeNumber(name, 1, int.MaxValue);

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public int? WholeNumber(string name, int minimum, int maximum)
    {
        var node = Typed<JsonNumberNode>(name, "a number");
        if (node is null)
        {
            return null;
        }

        if (!int.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < minimum || value > maximum)
        {
            Report(name, $"must be a whole number from {minimum} to {maximum}, not {node.Text}");
            return null;
        }

        return value;
    }

    /// <summary>A timeout: a <see cref="Duration"/> that a timer can wait for (<see cref="Durations.LongestTimeout"/>).</summary>
    public TimeSpan? Timeout(string name)
    {
        if (Duration(name) is not { } duration)
        {
            return null;
        }

        if (Durations.TimeoutError(duration) is { } error)
        {
            Report(name, error);
            return null;
        }

        return duration;
    }

    /// <summary>A duration, in the one grammar <see cref="Durations"/> reads, a policy's as well.</summary>
    public TimeSpan? Duration(string name)
    {
        var node = Value(name);
        if (node is null)
        {
            return null;
        }

        var duration = TimeSpan.Zero;
        var error = node switch
        {
            JsonNumberNode number => Durations.TryParseSeconds(number.Text, out duration, out var refused) ? null : refused,
            JsonStringNode text => Durations.TryParse(text.Value, out duration, out var refused) ? null : refused,
            _ => $"expected {Durations.Expected}, found {node.Description}",
        };
        if (error is not null)
        {
            Report(name, error);
            return null;
        }

        return duration;
    }

    /// <summary>The array's items that are strings, with their paths; the others are reported.</summary>
    public IReadOnlyList<(string Path, JsonStringNode Value)>? StringItems(string name)
    {
        var array = Array(name);
        if (array is null)
        {
            return null;
        }

        var items = new List<(string, JsonStringNode)>();
        for (var i = 0; i < array.Items.Count; i++)
        {
            var path = FieldPath.Item(PathOf(name), i);
            if (array.Items[i] is JsonStringNode item)
            {
                items.Add((path, item));
            }
            else
            {
                _errors.Add(array.Items[i].Position, path, $"expected a string, found {array.Items[i].Description}");
            }
        }

        return items;
    }

    /// <summary>The object's string-valued entries, with their paths; the others are reported.</summary>
    public IReadOnlyList<(string Key, string Path, JsonPropertyNode Entry, JsonStringNode Value)>? StringEntries(string name)
    {
        var obj = Object(name);
        if (obj is null)
        {
            return null;
        }

        var entries = new List<(string, string, JsonPropertyNode, JsonStringNode)>();
        foreach (var entry in obj.Properties)
        {
            var path = FieldPath.Member(PathOf(name), entry.Name);
            if (entry.Value is JsonStringNode value)
            {
                entries.Add((entry.Name, path, entry, value));
            }
            else
            {
                _errors.Add(entry.Value.Position, path, $"expected a string, found {entry.Value.Description}");
            }
        }

        return entries;
    }

    private JsonValueNode? Value(string name) => _node.Find(name)?.Value is { } value and not JsonNullNode ? value : null;

    private T? Typed<T>(string name, string expected)
        where T : JsonValueNode
    {
        var value = Value(name);
        if (value is null or T)
        {
            return value as T;
        }

        Report(name, $"expected {expected}, found {value.Description}");
        return null;
    }
}
