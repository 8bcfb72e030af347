using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Policy.Arguments;

/// <summary>
/// <c>pattern</c>: the value is a string the regular expression matches in full. The expression runs on the
/// non-backtracking engine, so an agent's input cannot make it run for long, whatever the operator wrote.
/// </summary>
internal sealed class PatternRule(Regex wholeValue, string source) : ValueRule("pattern")
{
    public override string? Violation(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return "must be a string";
        }
        return wholeValue.IsMatch(value.GetString()!) ? null : $"must match {source}";
    }
}
