using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary><c>min</c> or <c>max</c>: the value is a number no lower (or no higher) than the bound.</summary>
internal sealed class BoundRule(JsonElement bound, bool isMinimum) : ValueRule(isMinimum ? "min" : "max")
{
    public override string? Violation(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return "must be a number";
        }
        var order = Compare(value, bound);
        if (isMinimum ? order >= 0 : order <= 0)
        {
            return null;
        }
        return isMinimum ? $"must be at least {bound.GetRawText()}" : $"must be at most {bound.GetRawText()}";
    }

    // Decimal keeps large integers exact; numbers beyond its range fall back to double.
    private static int Compare(JsonElement a, JsonElement b) =>
        a.TryGetDecimal(out var x) && b.TryGetDecimal(out var y) ? x.CompareTo(y) : a.GetDouble().CompareTo(b.GetDouble());
}
