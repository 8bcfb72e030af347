namespace Gatehouse.Policy;

/// <summary>The outcome of one case of a cases file.</summary>
/// <param name="Expected">What the case expects, e.g. <c>allow</c> or <c>deny by tools.delete_list</c>.</param>
/// <param name="Actual">What happened, e.g. <c>rate_limited by tools.send_campaign on call 11 of 11</c>.</param>
/// <param name="Decision">The policy's decision for the last call the case made.</param>
public sealed record PolicyTestResult(string Name, int Line, int Column, bool Passed, string Expected, string Actual, PolicyDecision Decision)
{
    public override string ToString() =>
        Passed ? $"{Line}:{Column}: {Name}: passed" : $"{Line}:{Column}: {Name}: expected {Expected}, got {Actual}";
}
