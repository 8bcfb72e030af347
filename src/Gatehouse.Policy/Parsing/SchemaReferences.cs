using System.Text.Json;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Parsing;

/// <summary>
/// Checks what the schema library only finds out while evaluating a call: every <c>$ref</c> must point
/// into the same schema (no downloads, nothing unresolved), and no chain of references may lead back to
/// where it started without descending into the arguments, which would recurse until the process dies.
/// </summary>
internal static class SchemaReferences
{
    // Keywords whose subschemas apply to the same value; following only these can loop forever.
    private static readonly string[] _inPlaceSingle = ["not", "if", "then", "else"];
    private static readonly string[] _inPlaceArrays = ["allOf", "anyOf", "oneOf"];
    private static readonly string[] _inPlaceMaps = ["dependentSchemas"];

    // Keywords whose subschemas apply to a part of the value (or are only reached by $ref): always finite.
    private static readonly string[] _descendingSingle = ["additionalProperties", "propertyNames", "items", "contains", "unevaluatedItems", "unevaluatedProperties"];
    private static readonly string[] _descendingArrays = ["prefixItems"];
    private static readonly string[] _descendingMaps = ["properties", "patternProperties", "$defs"];

    private static readonly string[] _unsupported = ["$dynamicRef", "$dynamicAnchor", "$anchor", "$recursiveRef", "$recursiveAnchor"];

    /// <summary>Null when the references are sound; otherwise the first problem.</summary>
    public static string? Problem(JsonElement schema)
    {
        var sameValueEdges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var problem = Visit(schema, schema, "", sameValueEdges);
        return problem ?? Cycle(sameValueEdges);
    }

    private static string? Visit(JsonElement root, JsonElement schema, string pointer, Dictionary<string, List<string>> edges)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var next = new List<string>();
        edges[pointer] = next;
        foreach (var keyword in _unsupported)
        {
            if (schema.TryGetProperty(keyword, out _))
            {
                return $"{keyword} at #{pointer} is not supported in argument schemas; use \"$ref\": \"#/$defs/...\"";
            }
        }
        if (pointer.Length > 0 && schema.TryGetProperty("$id", out _))
        {
            return $"$id at #{pointer} is not supported in argument schemas; only the root may have one";
        }
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var target = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : "";
            if (!Resolves(root, target))
            {
                return $"$ref {PolicyPath.Quote(target)} at #{pointer} does not point into this schema; only local references such as \"#/$defs/name\" are supported";
            }
            next.Add(Uri.UnescapeDataString(target[1..]));
        }
        foreach (var (child, sameValue) in Children(schema, pointer))
        {
            if (sameValue)
            {
                next.Add(child.Pointer);
            }
            if (Visit(root, child.Schema, child.Pointer, edges) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static IEnumerable<((JsonElement Schema, string Pointer) Child, bool SameValue)> Children(JsonElement schema, string pointer)
    {
        foreach (var property in schema.EnumerateObject())
        {
            var at = pointer + "/" + Escape(property.Name);
            var sameValue = _inPlaceSingle.Contains(property.Name) || _inPlaceArrays.Contains(property.Name) || _inPlaceMaps.Contains(property.Name);
            if (_inPlaceSingle.Contains(property.Name) || _descendingSingle.Contains(property.Name))
            {
                yield return ((property.Value, at), sameValue);
            }
            else if ((_inPlaceArrays.Contains(property.Name) || _descendingArrays.Contains(property.Name)) && property.Value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in property.Value.EnumerateArray())
                {
                    yield return ((item, $"{at}/{index++}"), sameValue);
                }
            }
            else if ((_inPlaceMaps.Contains(property.Name) || _descendingMaps.Contains(property.Name)) && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in property.Value.EnumerateObject())
                {
                    yield return ((entry.Value, at + "/" + Escape(entry.Name)), sameValue);
                }
            }
        }
    }

    private static bool Resolves(JsonElement root, string reference)
    {
        if (!reference.StartsWith('#') || (reference.Length > 1 && reference[1] != '/'))
        {
            return false;
        }
        var current = root;
        foreach (var token in Uri.UnescapeDataString(reference[1..]).Split('/').Skip(1))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var child))
            {
                current = child;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(name, out var index) && index >= 0 && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return false;
            }
        }
        return current.ValueKind is JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False;
    }

    // Depth-first search for a cycle among schemas that apply to the same value.
    private static string? Cycle(Dictionary<string, List<string>> edges)
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the current path; true: done
        foreach (var start in edges.Keys)
        {
            if (Visit(start) is { } looping)
            {
                return $"$ref cycle through #{looping}: evaluating it would never end; a reference back must go through properties or items";
            }
        }
        return null;

        string? Visit(string node)
        {
            if (state.TryGetValue(node, out var done))
            {
                return done ? null : node;
            }
            state[node] = false;
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next) is { } looping)
                {
                    return looping;
                }
            }
            state[node] = true;
            return null;
        }
    }

    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
