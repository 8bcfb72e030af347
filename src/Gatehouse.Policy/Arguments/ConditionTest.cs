using System.Text.Json;

namespace Gatehouse.Policy.Arguments;

/// <summary>
/// One operator applied to the value at one path. A missing value fails the check unless the condition
/// says it is optional: a refusal is safer than letting the upstream apply its own default.
/// </summary>
internal sealed class ConditionTest(ArgumentPath path, ValueRule rule, bool optional, string ruleId) : IArgumentTest
{
    public string Label => $"{path.Text} {rule.Name}";

    public string? Violation(JsonElement arguments)
    {
        if (!path.TryResolve(arguments, out var value))
        {
            return optional ? null : Refusal("is missing");
        }
        return rule.Violation(value) is { } problem ? Refusal(problem) : null;
    }

    private string Refusal(string problem) => $"argument {path.Text} {problem} ({rule.Name}, rule {ruleId})";
}
