namespace Gatehouse.Policy.Tests;

public class ExplainerTests
{
    private static readonly CompiledPolicy _policy = Policies.Compile("""
        { "version": "1", "default": "allow",
          "tools": {
            "get_*": "allow",
            "*_campaign": "require_approval",
            "send_campaign": { "arguments": { "conditions": { "list_ids": { "max_items": 2 } } } },
            "*": { "action": "deny", "reason": "not on the list" },
            "list_*": "allow"
          },
          "classes": [ { "risk": "high", "action": "deny" } ] }
        """);

    [Fact]
    public void The_trace_lists_every_rule_and_says_which_decided_and_why_the_others_lost()
    {
        var explanation = PolicyExplainer.ExplainTool(_policy, "get_campaign", null);

        Assert.Equal(DecisionKind.Deny, explanation.Decision.Kind);
        Assert.Equal(
            [
                "glob      tools[\"get_*\"]: matches (allow), but tools[\"*\"] decides: deny is more restrictive than allow",
                "glob      tools[\"*_campaign\"]: matches (require_approval), but tools[\"*\"] decides: deny is more restrictive than require_approval",
                "exact     tools.send_campaign: does not match",
                "glob      tools[\"*\"]: matches and decides: deny",
                "glob      tools[\"list_*\"]: does not match",
                "class     classes[0]: skipped: the tool has no class from the catalog",
                "default   default: matches (allow), but tools[\"*\"] decides: glob beats default",
            ],
            explanation.Trace.Select(step => step.ToString()));
    }

    [Fact]
    public void An_exact_rule_is_explained_as_more_specific()
    {
        var explanation = PolicyExplainer.ExplainTool(_policy, "send_campaign", Policies.Args("""{ "list_ids": [1] }"""));

        Assert.Equal(DecisionKind.Allow, explanation.Decision.Kind);
        Assert.Contains(explanation.Trace, step => step.Outcome == "matches (deny), but tools.send_campaign decides: exact beats glob");
        Assert.Contains(explanation.Trace, step => step is { Stage: "arguments", Matched: true, Outcome: "$.list_ids max_items: passes" });
    }

    [Fact]
    public void Argument_checks_of_the_deciding_rule_are_traced_with_their_violation()
    {
        var explanation = PolicyExplainer.ExplainTool(_policy, "send_campaign", Policies.Args("""{ "list_ids": [1, 2, 3] }"""));

        Assert.Equal(DecisionKind.InvalidArguments, explanation.Decision.Kind);
        var check = Assert.Single(explanation.Trace, step => step.Stage == "arguments");
        Assert.False(check.Matched);
        Assert.Equal("$.list_ids max_items: fails: " + explanation.Decision.Reason, check.Outcome);
    }

    [Fact]
    public void Equal_rules_are_explained_by_document_order()
    {
        var policy = Policies.Tools("""{ "a*": "allow", "*b": "allow" }""");

        var explanation = PolicyExplainer.ExplainTool(policy, "ab", null);

        Assert.Equal("matches (allow), but tools[\"a*\"] decides: same action, written first", explanation.Trace[1].Outcome);
    }

    [Fact]
    public void Class_rules_are_traced_when_the_tool_has_a_class()
    {
        var explanation = PolicyExplainer.ExplainTool(_policy, "other", null, new ToolClass(ToolRisk.High, ToolCategory.Read));

        Assert.Contains(explanation.Trace, step => step.ToString() == "class     classes[0]: matches (deny), but tools[\"*\"] decides: glob beats class");
    }

    [Fact]
    public void The_explanation_agrees_with_the_policy_for_resources_and_prompts()
    {
        var policy = Policies.Compile("""{ "version": "1", "resources": { "file:///*": "allow" }, "prompts": { "p": "deny" } }""");

        Assert.Same(policy.DecideResource("file:///a"), PolicyExplainer.ExplainResource(policy, "file:///a").Decision);
        Assert.Same(policy.DecidePrompt("p", null), PolicyExplainer.ExplainPrompt(policy, "p", null).Decision);
    }

    [Fact]
    public void The_text_form_starts_with_the_decision()
    {
        var text = PolicyExplainer.ExplainTool(Policies.Compile(Policies.Verbatim), "send_campaign", null).ToString();

        Assert.StartsWith("decision: allow by tools.send_campaign; counter send_campaign_rate 10 per 1m per grant", text, StringComparison.Ordinal);
        Assert.Contains("exact     tools.send_campaign: matches and decides: allow", text, StringComparison.Ordinal);
    }
}
