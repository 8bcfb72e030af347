using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary><c>max_length</c>: the value is a string of at most this many Unicode characters (as JSON Schema counts).</summary>
internal sealed class MaxLengthRule(int maximum) : ValueRule("max_length")
{
    public override string? Violation(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return "must be a string";
        }
        var length = CodePoints(value.GetString()!);
        return length <= maximum ? null : $"is {length} characters long, at most {maximum} allowed";
    }

    private static int CodePoints(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            // The second half of a surrogate pair completes a character already counted.
            if (!char.IsLowSurrogate(c))
            {
                count++;
            }
        }
        return count;
    }
}
