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
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return "must be a number within the range of a double";
        }
        var order = number.CompareTo(bound.GetDouble());
        if (isMinimum ? order >= 0 : order <= 0)
        {
            return null;
        }
        return isMinimum ? $"must be at least {bound.GetRawText()}" : $"must be at most {bound.GetRawText()}";
    }

    // Compared as doubles, as JavaScript, Go and Python's float compare them: System.Decimal would round 1e-300 to 0,
    // and a "max": 0 would admit a value every server reads as above it. Gatehouse refuses, before any rule runs,
    // an argument whose double is not exactly what was written, so nothing is lost by reading it as one.
}
