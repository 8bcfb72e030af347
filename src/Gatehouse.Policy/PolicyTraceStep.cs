namespace Gatehouse.Policy;

/// <summary>
/// One line of an explanation: a rule that was considered, or one argument check of the deciding rule.
/// </summary>
/// <param name="Rule">The rule, e.g. <c>tools["get_*"]</c>.</param>
/// <param name="Stage"><c>exact</c>, <c>glob</c>, <c>class</c>, <c>default</c> or <c>arguments</c>.</param>
/// <param name="Matched">Whether the rule selects the call (for <c>arguments</c>: whether the check passed).</param>
/// <param name="Outcome">What became of it, in words.</param>
public sealed record PolicyTraceStep(string Rule, string Stage, bool Matched, string Outcome)
{
    public override string ToString() => $"{Stage,-9} {Rule}: {Outcome}";
}
