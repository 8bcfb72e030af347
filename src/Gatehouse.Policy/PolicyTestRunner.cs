using Gatehouse.Policy.Json;
using Gatehouse.Policy.Parsing;
using Gatehouse.Policy.Testing;

namespace Gatehouse.Policy;

/// <summary>
/// Runs a cases file against a policy, like <c>opa test</c>. A cases file is a JSON array of
/// <c>{ "name", "identity", "grant", "session", "tool" | "resource" | "prompt", "arguments", "class",
/// "expect", "rule", "repeat" }</c>. The calls are taken as one burst at a single instant, so rate limits
/// are counted exactly without a clock: with a limit of 10 a minute, the 11th call is <c>rate_limited</c>.
/// </summary>
public static class PolicyTestRunner
{
    public static PolicyTestReport Run(CompiledPolicy policy, string casesJson)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<PolicyError>();
        using var source = JsonSource.Load(casesJson, errors);
        if (source is null)
        {
            return new PolicyTestReport(errors, []);
        }
        var cases = new CaseParser(new NodeReader(new Diagnostics(source, errors)), source).Parse(source.Root);
        if (errors.Count > 0)
        {
            return new PolicyTestReport([.. errors.OrderBy(error => error.Line).ThenBy(error => error.Column)], []);
        }
        var counters = new BurstCounters();
        return new PolicyTestReport([], [.. cases.Select(call => Run(policy, call, counters))]);
    }

    private static PolicyTestResult Run(CompiledPolicy policy, TestCase call, BurstCounters counters)
    {
        var expected = call.Rule is null ? call.Expect : $"{call.Expect} by {call.Rule}";
        for (var attempt = 1; ; attempt++)
        {
            var decision = Decide(policy, call);
            var outcome = decision.Kind == DecisionKind.Allow && !counters.TryConsume(decision.Counters, call)
                ? CaseParser.RateLimited
                : PolicyNames.Of(decision.Kind);
            var passed = outcome == call.Expect && (call.Rule is null || call.Rule == decision.Rule);
            if (!passed || attempt == call.Repeat)
            {
                var actual = $"{outcome} by {decision.Rule}"
                    + (decision.Reason is null ? "" : $" ({decision.Reason})")
                    + (call.Repeat > 1 ? $" on call {attempt} of {call.Repeat}" : "");
                return new PolicyTestResult(call.Name, call.At.Line, call.At.Column, passed, expected, actual, decision);
            }
        }
    }

    private static PolicyDecision Decide(CompiledPolicy policy, TestCase call) => call.Target switch
    {
        TestTarget.Tool => policy.DecideTool(call.Subject, call.Arguments, call.ToolClass),
        TestTarget.Resource => policy.DecideResource(call.Subject),
        _ => policy.DecidePrompt(call.Subject, call.Arguments),
    };
}
