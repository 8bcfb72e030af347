namespace Gatehouse.Policy.Tests;

public class PrecedenceTests
{
    private static readonly ToolClass _highWrite = new(ToolRisk.High, ToolCategory.Write);

    [Fact]
    public void An_exact_name_beats_a_glob_even_a_more_restrictive_one()
    {
        var policy = Policies.Tools("""{ "*_campaign": "deny", "send_campaign": "allow" }""");

        var decision = policy.DecideTool("send_campaign", null);

        Assert.Equal(DecisionKind.Allow, decision.Kind);
        Assert.Equal("tools.send_campaign", decision.Rule);
        Assert.Equal(DecisionKind.Deny, policy.DecideTool("delete_campaign", null).Kind);
    }

    [Fact]
    public void A_glob_beats_a_class_rule_even_a_more_restrictive_one()
    {
        var policy = Policies.Compile("""
            { "version": "1", "tools": { "get_*": "allow" }, "classes": [ { "risk": "high", "action": "deny" } ] }
            """);

        Assert.Equal("tools[\"get_*\"]", policy.DecideTool("get_list", null, _highWrite).Rule);
        Assert.Equal(DecisionKind.Allow, policy.DecideTool("get_list", null, _highWrite).Kind);
    }

    [Fact]
    public void A_class_rule_beats_the_default()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny", "classes": [ { "category": "write", "action": "require_approval" } ] }
            """);

        var decision = policy.DecideTool("update_list", null, _highWrite);

        Assert.Equal(DecisionKind.RequireApproval, decision.Kind);
        Assert.Equal("classes[0]", decision.Rule);
    }

    [Fact]
    public void A_tool_without_a_class_never_matches_class_rules()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny", "classes": [ { "risk": ["low", "medium", "high", "critical"] } ] }
            """);

        Assert.Equal("default", policy.DecideTool("x", null).Rule);
        Assert.Equal("classes[0]", policy.DecideTool("x", null, _highWrite).Rule);
        Assert.False(policy.IsToolVisible("x"));
        Assert.True(policy.IsToolVisible("x", _highWrite));
    }

    [Theory]
    [InlineData("allow", "deny", DecisionKind.Deny)]
    [InlineData("deny", "allow", DecisionKind.Deny)]
    [InlineData("allow", "require_approval", DecisionKind.RequireApproval)]
    [InlineData("require_approval", "allow", DecisionKind.RequireApproval)]
    [InlineData("require_approval", "deny", DecisionKind.Deny)]
    [InlineData("deny", "require_approval", DecisionKind.Deny)]
    public void Among_matching_globs_the_most_restrictive_action_wins(string first, string second, DecisionKind expected)
    {
        var policy = Policies.Tools($$"""{ "get_*": "{{first}}", "*_list": "{{second}}" }""");

        Assert.Equal(expected, policy.DecideTool("get_list", null).Kind);
    }

    [Theory]
    [InlineData("allow", "deny", DecisionKind.Deny)]
    [InlineData("deny", "allow", DecisionKind.Deny)]
    [InlineData("require_approval", "allow", DecisionKind.RequireApproval)]
    public void Among_matching_class_rules_the_most_restrictive_action_wins(string first, string second, DecisionKind expected)
    {
        var policy = Policies.Compile($$"""
            { "version": "1", "classes": [ { "risk": "high", "action": "{{first}}" }, { "category": "write", "action": "{{second}}" } ] }
            """);

        Assert.Equal(expected, policy.DecideTool("x", null, _highWrite).Kind);
    }

    [Fact]
    public void Among_equally_restrictive_globs_the_one_written_first_decides()
    {
        var policy = Policies.Tools("""
            { "get_*": { "rate_limit": { "max": 1, "window": 1 } }, "*_list": { "rate_limit": { "max": 2, "window": 1 } } }
            """);
        var reversed = Policies.Tools("""
            { "*_list": { "rate_limit": { "max": 2, "window": 1 } }, "get_*": { "rate_limit": { "max": 1, "window": 1 } } }
            """);

        Assert.Equal("tools[\"get_*\"]", policy.DecideTool("get_list", null).Rule);
        Assert.Equal("tools[\"*_list\"]", reversed.DecideTool("get_list", null).Rule);
    }

    [Fact]
    public void Among_equally_restrictive_class_rules_the_one_written_first_decides()
    {
        var policy = Policies.Compile("""
            { "version": "1", "classes": [ { "risk": "high", "reason": "first" }, { "category": "write", "reason": "second" } ] }
            """);

        Assert.Equal("classes[0]", policy.DecideTool("x", null, _highWrite).Rule);
    }

    [Fact]
    public void A_broad_deny_glob_beats_a_narrower_allow_glob()
    {
        // Documented: specificity among globs does not count, restrictiveness does; exceptions are exact names.
        var policy = Policies.Tools("""{ "get_*": "allow", "*": "deny" }""", fallback: "allow");

        Assert.Equal(DecisionKind.Deny, policy.DecideTool("get_list", null).Kind);
    }

    [Fact]
    public void The_default_applies_only_when_nothing_else_matches()
    {
        var policy = Policies.Tools("""{ "get_*": "deny" }""", fallback: "allow");

        Assert.Equal("default", policy.DecideTool("list_get", null).Rule);
        Assert.Equal("tools[\"get_*\"]", policy.DecideTool("get_x", null).Rule);
    }

    [Fact]
    public void Class_rules_select_by_any_listed_risk_and_any_listed_category()
    {
        var policy = Policies.Compile("""
            { "version": "1", "classes": [ { "risk": ["high", "critical"], "category": ["write", "destructive"] } ] }
            """);

        Assert.Equal(DecisionKind.Allow, policy.DecideTool("x", null, new ToolClass(ToolRisk.Critical, ToolCategory.Destructive)).Kind);
        Assert.Equal(DecisionKind.Allow, policy.DecideTool("x", null, _highWrite).Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecideTool("x", null, new ToolClass(ToolRisk.Medium, ToolCategory.Write)).Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecideTool("x", null, new ToolClass(ToolRisk.High, ToolCategory.Read)).Kind);
    }

    [Fact]
    public void Many_globs_with_shared_prefixes_and_suffixes_pick_the_right_rule()
    {
        var policy = Policies.Tools("""
            {
              "a*": "allow", "ab*": "allow", "abc*": "require_approval", "abcd*": "allow",
              "*z": "allow", "*yz": "deny", "a*z": "allow", "*m*": "allow"
            }
            """);

        Assert.Equal("tools[\"abc*\"]", policy.DecideTool("abcdef", null).Rule);
        Assert.Equal("tools[\"*yz\"]", policy.DecideTool("abcdyz", null).Rule);
        Assert.Equal("tools[\"a*\"]", policy.DecideTool("axx", null).Rule);
        Assert.Equal("tools[\"*m*\"]", policy.DecideTool("xmx", null).Rule);
        Assert.Equal("default", policy.DecideTool("xx", null).Rule);
    }
}
