using System.Text.Json;
using Gatehouse.Policy.Arguments;
using Gatehouse.Policy.Engine;
using Gatehouse.Policy.Parsing;

namespace Gatehouse.Policy;

/// <summary>
/// Explains a decision: which rules matched, which one decided and why it won. The decision itself is the
/// compiled policy's own, so an explanation can never disagree with what the gateway does.
/// </summary>
public static class PolicyExplainer
{
    public static PolicyExplanation ExplainTool(CompiledPolicy policy, string name, JsonElement? arguments, ToolClass? toolClass = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(name);
        return Explain(policy.Tools, name, arguments, toolClass);
    }

    public static PolicyExplanation ExplainResource(CompiledPolicy policy, string uri)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(uri);
        return Explain(policy.Resources, uri, null, null);
    }

    public static PolicyExplanation ExplainPrompt(CompiledPolicy policy, string name, JsonElement? arguments)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(name);
        return Explain(policy.Prompts, name, arguments, null);
    }

    private static PolicyExplanation Explain(RuleSection section, string name, JsonElement? arguments, ToolClass? toolClass)
    {
        var winner = section.Select(name, toolClass);
        var trace = section.Rules.Append(section.Default)
            .Select(rule => Consider(rule, winner, name, toolClass))
            .ToList();
        if (winner.Arguments is { } check)
        {
            var root = ArgumentCheck.OrEmpty(arguments);
            trace.AddRange(check.Tests.Select(test => test.Violation(root) is { } violation
                ? new PolicyTraceStep(winner.Id, "arguments", false, $"{test.Label}: fails: {violation}")
                : new PolicyTraceStep(winner.Id, "arguments", true, $"{test.Label}: passes")));
        }
        return new PolicyExplanation(winner.Decide(arguments), trace);
    }

    private static PolicyTraceStep Consider(PolicyRule rule, PolicyRule winner, string name, ToolClass? toolClass)
    {
        var stage = StageOf(rule.Level);
        if (rule.Level == RuleLevel.Class && toolClass is null)
        {
            return new PolicyTraceStep(rule.Id, stage, false, "skipped: the tool has no class from the catalog");
        }
        if (!rule.Selector.Matches(name, toolClass))
        {
            return new PolicyTraceStep(rule.Id, stage, false, "does not match");
        }
        if (rule == winner)
        {
            return new PolicyTraceStep(rule.Id, stage, true, $"matches and decides: {PolicyNames.Of(rule.Action)}");
        }
        var why = RulePrecedence.Between(rule, winner).By switch
        {
            PrecedenceCriterion.Specificity => $"{StageOf(winner.Level)} beats {stage}",
            PrecedenceCriterion.Restrictiveness => $"{PolicyNames.Of(winner.Action)} is more restrictive than {PolicyNames.Of(rule.Action)}",
            _ => "same action, written first",
        };
        return new PolicyTraceStep(rule.Id, stage, true, $"matches ({PolicyNames.Of(rule.Action)}), but {winner.Id} decides: {why}");
    }

    private static string StageOf(RuleLevel level) => level switch
    {
        RuleLevel.Exact => "exact",
        RuleLevel.Glob => "glob",
        RuleLevel.Class => "class",
        _ => "default",
    };
}
