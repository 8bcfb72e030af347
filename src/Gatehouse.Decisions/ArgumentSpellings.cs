using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Relay.Wire;

namespace Gatehouse.Decisions;

/// <summary>
/// Finds an argument that a server would read otherwise than Gatehouse's checks do, by the tool's input schema:
/// one named like a property of the schema but spelled in another case (<c>Campaign_Id</c> for <c>campaign_id</c>),
/// which Gatehouse's checks, reading names byte for byte, would not see while a server that reads its arguments into
/// a struct without regard to case (Go's <c>encoding/json</c>, .NET's web defaults) would take it as the property;
/// and a string, number or boolean where the schema declares none of these, which servers that coerce would take for
/// another value (Python's pydantic reads <c>"1"</c>, <c>" 1 "</c> and <c>true</c> as 1 and <c>"yes"</c> as true,
/// .NET reads <c>"1"</c> as 1) while a policy's <c>not_in: [1]</c> compared the string.
/// </summary>
/// <remarks>
/// The schema is followed where a property's schema may be: <c>properties</c>, <c>additionalProperties</c>,
/// <c>items</c> and <c>prefixItems</c>, through local <c>$ref</c>s (<c>#/$defs/...</c>, as Go's and Python's schema
/// generators write nested types) and the branches of <c>allOf</c>, <c>anyOf</c>, <c>oneOf</c>, <c>then</c> and
/// <c>else</c>. A name any branch declares counts as declared; a value is refused for its type only when no branch
/// admits it.
/// </remarks>
internal static class ArgumentSpellings
{
    // A schema that refers to itself, or a chain of references, is followed this far and no further.
    private const int MaxReferences = 32;

    private static readonly string[] s_branches = ["allOf", "anyOf", "oneOf"];

    private static readonly string[] s_choices = ["anyOf", "oneOf"];

    private static readonly string[] s_conditionals = ["then", "else"];

    /// <summary>Why <paramref name="arguments"/> would be read two ways, or null when they would not.</summary>
    public static string? FindCaseVariant(JsonElement? arguments, JsonObject? schema) =>
        arguments is { } value && schema is not null ? new Walk(schema).Find(value, [schema], "arguments") : null;

    /// <summary>One walk of a call's arguments beside its tool's schema; what it learns of each schema it keeps, for the items of arrays.</summary>
    private sealed class Walk(JsonObject root)
    {
        private readonly Dictionary<List<JsonObject>, Shape> _shapes = new(ReferenceEqualityComparer.Instance);

        public string? Find(JsonElement value, List<JsonObject> declared, string path)
        {
            if (!_shapes.TryGetValue(declared, out var shape))
            {
                _shapes[declared] = shape = new Shape(declared, root);
            }

            if (value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False &&
                !declared.Any(schema => Admits(schema, value.ValueKind, root, 0)))
            {
                return $"the argument {path} is a {Kind(value.ValueKind)} where the tool's schema declares {shape.Types}, which servers " +
                    "that convert values (Python's pydantic reads \"1\" and true as 1, .NET reads \"1\" as 1) would read as another value than the one Gatehouse checked";
            }

            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var member in value.EnumerateObject())
                {
                    if (shape.Properties.TryGetValue(member.Name, out var memberSchemas))
                    {
                        if (Find(member.Value, memberSchemas, $"{path}.{member.Name}") is { } nested)
                        {
                            return nested;
                        }

                        continue;
                    }

                    if (shape.ByFold.TryGetValue(CanonicalJson.Fold(member.Name), out var property))
                    {
                        return $"the argument {path}.{member.Name} is a spelling of the tool's {path}.{property}, which Gatehouse checks only as " +
                            $"\"{property}\" while servers that ignore case would take either";
                    }

                    if (shape.Additional.Count > 0 && Find(member.Value, shape.Additional, $"{path}.{member.Name}") is { } extra)
                    {
                        return extra;
                    }
                }
            }
            else if (value.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if ((index < shape.PrefixItems.Count ? shape.PrefixItems[index] : shape.Items) is { Count: > 0 } applicable &&
                        Find(item, applicable, $"{path}[{index}]") is { } nested)
                    {
                        return nested;
                    }

                    index++;
                }
            }

            return null;
        }
    }

    /// <summary>What the schemas that apply to one value declare of its members and items.</summary>
    private sealed class Shape
    {
        private Dictionary<string, string>? _byFold;

        public Shape(List<JsonObject> declared, JsonObject root)
        {
            var schemas = Applicable(declared, root);
            foreach (var schema in schemas)
            {
                foreach (var (name, property) in schema["properties"] as JsonObject ?? new JsonObject())
                {
                    if (property is JsonObject propertySchema)
                    {
                        (Properties.TryGetValue(name, out var list) ? list : Properties[name] = []).Add(propertySchema);
                    }
                }

                if (schema["additionalProperties"] is JsonObject more)
                {
                    Additional.Add(more);
                }

                if (schema["items"] is JsonObject items)
                {
                    Items.Add(items);
                }

                var position = 0;
                foreach (var prefix in schema["prefixItems"] as JsonArray ?? [])
                {
                    if (PrefixItems.Count == position)
                    {
                        PrefixItems.Add([]);
                    }

                    if (prefix is JsonObject prefixSchema)
                    {
                        PrefixItems[position].Add(prefixSchema);
                    }

                    position++;
                }
            }

            var types = schemas.SelectMany(schema => TypesOf(schema) ?? []).Distinct(StringComparer.Ordinal).ToList();
            Types = types.Count == 0 ? "another type" : string.Join(" or ", types);
        }

        public Dictionary<string, List<JsonObject>> Properties { get; } = new(StringComparer.Ordinal);

        public List<JsonObject> Additional { get; } = [];

        public List<JsonObject> Items { get; } = [];

        public List<List<JsonObject>> PrefixItems { get; } = [];

        public string Types { get; }

        public Dictionary<string, string> ByFold => _byFold ??=
            Properties.Keys.GroupBy(CanonicalJson.Fold, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    /// <summary>The schemas that apply to one value: each declared one, what its <c>$ref</c>s name, and every branch, without repeats.</summary>
    private static List<JsonObject> Applicable(List<JsonObject> declared, JsonObject root)
    {
        var applicable = new List<JsonObject>();
        var pending = new Queue<(JsonObject Schema, int References)>(declared.Select(schema => (schema, 0)));
        while (pending.TryDequeue(out var next))
        {
            if (applicable.Any(known => ReferenceEquals(known, next.Schema)) || applicable.Count > 256)
            {
                continue;
            }

            applicable.Add(next.Schema);
            if (next.References < MaxReferences && Resolve(next.Schema, root) is { } target)
            {
                pending.Enqueue((target, next.References + 1));
            }

            foreach (var branch in Branches(next.Schema))
            {
                pending.Enqueue((branch, next.References));
            }

            foreach (var conditional in s_conditionals)
            {
                if (next.Schema[conditional] is JsonObject outcome)
                {
                    pending.Enqueue((outcome, next.References));
                }
            }
        }

        return applicable;
    }

    /// <summary>Whether a value of <paramref name="kind"/> can satisfy <paramref name="schema"/>'s types, as far as its <c>type</c>s, <c>$ref</c> and branches say.</summary>
    private static bool Admits(JsonObject schema, JsonValueKind kind, JsonObject root, int references)
    {
        if (references > MaxReferences)
        {
            return true;
        }

        if (TypesOf(schema) is { } types && !types.Any(type => Admits(type, kind)))
        {
            return false;
        }

        if (Resolve(schema, root) is { } target && !Admits(target, kind, root, references + 1))
        {
            return false;
        }

        if (schema["allOf"] is JsonArray all && all.OfType<JsonObject>().Any(branch => !Admits(branch, kind, root, references + 1)))
        {
            return false;
        }

        foreach (var choice in s_choices)
        {
            if (schema[choice] is JsonArray branches && branches.OfType<JsonObject>().Any() &&
                !branches.OfType<JsonObject>().Any(branch => Admits(branch, kind, root, references + 1)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Admits(string type, JsonValueKind kind) => type switch
    {
        "string" => kind == JsonValueKind.String,
        "number" or "integer" => kind == JsonValueKind.Number,
        "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
        "null" => kind == JsonValueKind.Null,
        "object" => kind == JsonValueKind.Object,
        "array" => kind == JsonValueKind.Array,
        _ => true,
    };

    private static string[]? TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue one when one.TryGetValue(out string? type) => [type],
        JsonArray many => [.. many.OfType<JsonValue>().Select(v => v.TryGetValue(out string? type) ? type : null).OfType<string>()],
        _ => null,
    };

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        _ => "boolean",
    };

    private static IEnumerable<JsonObject> Branches(JsonObject schema) =>
        s_branches.Select(name => schema[name]).OfType<JsonArray>().SelectMany(branches => branches.OfType<JsonObject>());

    /// <summary>The schema a local <c>$ref</c> (a JSON Pointer within the tool's schema, <c>#/$defs/Options</c>) names; null for none or another document.</summary>
    private static JsonObject? Resolve(JsonObject schema, JsonObject root)
    {
        if (schema["$ref"] is not JsonValue reference || !reference.TryGetValue(out string? pointer) || !pointer.StartsWith('#'))
        {
            return null;
        }

        JsonNode? node = root;
        foreach (var token in Uri.UnescapeDataString(pointer[1..]).Split('/').Skip(1))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject members => members[name],
                JsonArray items when int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < items.Count => items[index],
                _ => null,
            };
        }

        return node as JsonObject;
    }
}
