using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary>
/// A path to one value inside a call's arguments, in a small, unambiguous subset of JSONPath:
/// <c>$.list_ids</c>, <c>list_ids</c> (the <c>$.</c> may be left out), <c>$.options.mode</c>,
/// <c>$.recipients[0]</c>, <c>$["odd name"]</c>. No wildcards, filters or recursive descent: a condition
/// names exactly one value, so it is clear what was checked.
/// </summary>
internal sealed class ArgumentPath
{
    private readonly PathSegment[] _segments;

    private ArgumentPath(PathSegment[] segments)
    {
        _segments = segments;
        Text = Format(segments);
    }

    /// <summary>The canonical spelling, e.g. <c>$.options["send at"][0]</c>; what messages and decisions show.</summary>
    public string Text { get; }

    public static bool TryParse(string text, out ArgumentPath path, out string error)
    {
        path = null!;
        var parser = new PathParser(text);
        if (!parser.TryParse(out var segments, out error))
        {
            return false;
        }
        path = new ArgumentPath(segments);
        return true;
    }

    public bool TryResolve(JsonElement root, out JsonElement value)
    {
        value = root;
        foreach (var segment in _segments)
        {
            if (!segment.TryStep(value, out value))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Replaces the value this path names inside <paramref name="root"/> with <paramref name="replacement"/>;
    /// false when the path names nothing there, or names the root itself.
    /// </summary>
    public bool TryReplace(JsonNode root, JsonNode replacement)
    {
        if (_segments.Length == 0)
        {
            return false;
        }
        var parent = root;
        foreach (var segment in _segments.AsSpan(0, _segments.Length - 1))
        {
            if (segment.Step(parent) is not { } next)
            {
                return false;
            }
            parent = next;
        }
        return _segments[^1].TryReplace(parent, replacement);
    }

    /// <summary>True when this path is <c>$</c>, the whole arguments object.</summary>
    public bool IsRoot => _segments.Length == 0;

    /// <summary>The canonical path of a JSON Pointer (as JSON Schema reports locations) within <paramref name="root"/>.</summary>
    public static string FromPointer(string pointer, JsonElement root)
    {
        var segments = new List<PathSegment>();
        var current = root;
        foreach (var token in pointer.Split('/').Skip(1))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            var segment = current.ValueKind == JsonValueKind.Array && int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                ? PathSegment.Item(index)
                : PathSegment.Property(name);
            segments.Add(segment);
            if (!segment.TryStep(current, out current))
            {
                current = default;
            }
        }
        return Format(segments);
    }

    private static string Format(IEnumerable<PathSegment> segments)
    {
        var text = new StringBuilder("$");
        foreach (var segment in segments)
        {
            segment.AppendTo(text);
        }
        return text.ToString();
    }
}
