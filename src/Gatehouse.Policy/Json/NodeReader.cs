using System.Text.Json;

namespace Gatehouse.Policy.Json;

/// <summary>
/// Typed access to a document under validation: each accessor either returns the value or reports, at the
/// value's position, why it cannot, so that one pass finds every error.
/// </summary>
internal sealed class NodeReader(Diagnostics diagnostics)
{
    public Diagnostics Diagnostics { get; } = diagnostics;

    /// <summary>Checks that <paramref name="node"/> is an object of only <paramref name="fields"/>.</summary>
    public bool Object(Node node, string what, IReadOnlyCollection<string> fields)
    {
        if (!Expect(node, JsonValueKind.Object, what))
        {
            return false;
        }
        foreach (var member in Members(node))
        {
            var name = member.Name;
            if (!fields.Contains(name))
            {
                Diagnostics.KeyError(member.Path,
                    $"unknown field {PolicyPath.Quote(name)} in {what}" + Suggestions.DidYouMean(name, fields));
            }
        }
        return true;
    }

    /// <summary>The members of an object in document order; a duplicated key (already reported) only once.</summary>
    public static IEnumerable<Member> Members(Node node)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in node.Element.EnumerateObject())
        {
            if (seen.Add(property.Name))
            {
                yield return new Member(property, PolicyPath.Property(node.Path, property.Name));
            }
        }
    }

    /// <summary>
    /// The field's first occurrence: the one <see cref="Members"/> yields and positions point at
    /// (<see cref="JsonElement.TryGetProperty(string, out JsonElement)"/> would return the last).
    /// </summary>
    public static Node? Field(Node node, string name)
    {
        foreach (var property in node.Element.EnumerateObject())
        {
            if (property.NameEquals(name))
            {
                return new Node(property.Value, PolicyPath.Property(node.Path, name));
            }
        }
        return null;
    }

    public Node? Required(Node node, string name)
    {
        var field = Field(node, name);
        if (field is null)
        {
            Diagnostics.Missing(node, name);
        }
        return field;
    }

    public string? String(Node node, bool allowEmpty = false)
    {
        if (!Expect(node, JsonValueKind.String, "a string"))
        {
            return null;
        }
        var text = node.Element.GetString()!;
        if (!allowEmpty && text.Length == 0)
        {
            Diagnostics.Error(node.Path, "must not be empty");
            return null;
        }
        return text;
    }

    public int? Integer(Node node, int minimum)
    {
        if (node.Kind == JsonValueKind.Number && node.Element.TryGetInt32(out var value) && value >= minimum)
        {
            return value;
        }
        var found = node.Kind == JsonValueKind.Number ? node.Element.GetRawText() : Describe(node.Element);
        Diagnostics.Error(node.Path, $"must be a whole number from {minimum} to {int.MaxValue}, found {found}");
        return null;
    }

    public bool? Boolean(Node node)
    {
        if (node.Kind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Diagnostics.Error(node.Path, $"must be true or false, found {Describe(node.Element)}");
            return null;
        }
        return node.Kind == JsonValueKind.True;
    }

    public IReadOnlyList<Node>? Array(Node node, bool allowEmpty = false)
    {
        if (!Expect(node, JsonValueKind.Array, "an array"))
        {
            return null;
        }
        var items = node.Element.EnumerateArray().Select((item, index) => new Node(item, PolicyPath.Item(node.Path, index))).ToList();
        if (!allowEmpty && items.Count == 0)
        {
            Diagnostics.Error(node.Path, "must not be empty");
            return null;
        }
        return items;
    }

    /// <summary>One of a closed set of words, e.g. an action or a scope.</summary>
    public bool Choice<T>(Node node, IReadOnlyList<(string Name, T Value)> choices, out T value)
    {
        value = default!;
        var words = choices.Select(c => c.Name).ToList();
        if (node.Kind != JsonValueKind.String)
        {
            Diagnostics.Error(node.Path, $"must be one of {List(words)}, found {Describe(node.Element)}");
            return false;
        }
        var text = node.Element.GetString()!;
        foreach (var (name, candidate) in choices)
        {
            if (name == text)
            {
                value = candidate;
                return true;
            }
        }
        Diagnostics.Error(node.Path, $"{PolicyPath.Quote(text)} is not one of {List(words)}" + Suggestions.DidYouMean(text, words));
        return false;
    }

    public bool Expect(Node node, JsonValueKind kind, string what)
    {
        if (node.Kind == kind)
        {
            return true;
        }
        Diagnostics.Error(node.Path, $"must be {what}, found {Describe(node.Element)}");
        return false;
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    public static string List(IEnumerable<string> words) => string.Join(", ", words.Select(PolicyPath.Quote));
}

/// <summary>A member of an object under validation.</summary>
internal readonly record struct Member(JsonProperty Property, string Path)
{
    public string Name => Property.Name;

    public Node Value => new(Property.Value, Path);
}
