using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary><c>max_items</c>: the value is an array of at most this many items.</summary>
internal sealed class MaxItemsRule(int maximum) : ValueRule("max_items")
{
    public override string? Violation(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return "must be an array";
        }
        var count = value.GetArrayLength();
        return count <= maximum ? null : $"has {count} items, at most {maximum} allowed";
    }
}
