using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary><c>equals</c>: the value is this JSON value (numbers by value, objects regardless of member order).</summary>
internal sealed class EqualsRule(JsonElement expected) : ValueRule("equals")
{
    public override string? Violation(JsonElement value) =>
        JsonElement.DeepEquals(value, expected) ? null : $"must equal {expected.GetRawText()}";
}
