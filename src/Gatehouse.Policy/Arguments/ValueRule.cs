using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary>A condition operator such as <c>max_items</c>: a test of one value.</summary>
internal abstract class ValueRule(string name)
{
    /// <summary>The operator as written in policies.</summary>
    public string Name { get; } = name;

    /// <summary>Null when <paramref name="value"/> passes; otherwise what is wrong, e.g. "has 3 items, at most 2 allowed".</summary>
    public abstract string? Violation(JsonElement value);
}
