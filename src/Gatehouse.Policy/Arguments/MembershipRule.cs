using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary><c>in</c> (the value is one of these) or <c>not_in</c> (it is none of them).</summary>
internal sealed class MembershipRule(IReadOnlyList<JsonElement> values, bool mustBeIn) : ValueRule(mustBeIn ? "in" : "not_in")
{
    public override string? Violation(JsonElement value)
    {
        var isIn = values.Any(candidate => JsonElement.DeepEquals(candidate, value));
        if (isIn == mustBeIn)
        {
            return null;
        }
        var list = "[" + string.Join(", ", values.Select(candidate => candidate.GetRawText())) + "]";
        return mustBeIn ? $"must be one of {list}" : $"must not be one of {list}";
    }
}
