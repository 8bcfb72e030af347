namespace Gatehouse.Policy.Tests;

public class ActionTests
{
    [Fact]
    public void A_rule_without_an_action_allows()
    {
        var decision = Policies.Tools("""{ "get_list": {} }""").DecideTool("get_list", null);

        Assert.Equal(DecisionKind.Allow, decision.Kind);
        Assert.Null(decision.Reason);
        Assert.Null(decision.Approval);
    }

    [Fact]
    public void A_deny_rule_carries_its_reason()
    {
        var decision = Policies.Tools("""{ "delete_list": { "action": "deny", "reason": "lists are kept forever" } }""", fallback: "allow")
            .DecideTool("delete_list", null);

        Assert.Equal(DecisionKind.Deny, decision.Kind);
        Assert.Equal("lists are kept forever", decision.Reason);
        Assert.Equal("tools.delete_list", decision.Rule);
    }

    [Fact]
    public void A_deny_rule_without_a_reason_gets_one_naming_the_rule()
    {
        var decision = Policies.Tools("""{ "delete_list": { "action": "deny" } }""", fallback: "allow").DecideTool("delete_list", null);

        Assert.Equal("denied by policy rule tools.delete_list", decision.Reason);
    }

    [Fact]
    public void Require_approval_holds_the_call_with_default_approval_settings()
    {
        var decision = Policies.Tools("""{ "send_campaign": { "action": "require_approval", "reason": "a person checks campaigns" } }""")
            .DecideTool("send_campaign", null);

        Assert.Equal(DecisionKind.RequireApproval, decision.Kind);
        Assert.Equal("a person checks campaigns", decision.Reason);
        Assert.NotNull(decision.Approval);
        Assert.Empty(decision.Approval.Approvers);
        Assert.Equal(1, decision.Approval.Approvals);
        Assert.Null(decision.Approval.Via);
        Assert.Null(decision.Approval.Timeout);
    }

    [Theory]
    [InlineData("allow", DecisionKind.Allow)]
    [InlineData("deny", DecisionKind.Deny)]
    [InlineData("require_approval", DecisionKind.RequireApproval)]
    public void A_rule_may_be_written_as_its_action_alone(string action, DecisionKind expected)
    {
        var policy = Policies.Tools($$"""{ "get_list": "{{action}}" }""");

        Assert.Equal(expected, policy.DecideTool("get_list", null).Kind);
    }

    [Fact]
    public void Default_allow_allows_what_no_rule_selects()
    {
        var decision = Policies.Tools("{}", fallback: "allow").DecideTool("anything", null);

        Assert.Equal(DecisionKind.Allow, decision.Kind);
        Assert.Equal("default", decision.Rule);
        Assert.Null(decision.Reason);
    }

    [Fact]
    public void A_policy_without_a_default_denies_what_no_rule_selects()
    {
        var policy = Policies.Compile("""{ "version": "1" }""");

        Assert.Equal(DecisionKind.Deny, policy.DecideTool("anything", null).Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecideResource("file:///a").Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecidePrompt("p", null).Kind);
    }

    [Fact]
    public void Visibility_hides_only_denied_tools()
    {
        var policy = Policies.Tools("""
            {
              "get_list": "allow",
              "send_campaign": { "rate_limit": { "max": 1, "window": 60 } },
              "import_subscribers": "require_approval",
              "delete_list": "deny",
              "update_list": { "arguments": { "conditions": { "name": { "max_length": 3 } } } }
            }
            """);

        Assert.True(policy.IsToolVisible("get_list"));
        Assert.True(policy.IsToolVisible("send_campaign"));
        Assert.True(policy.IsToolVisible("import_subscribers"));
        Assert.False(policy.IsToolVisible("delete_list"));
        Assert.True(policy.IsToolVisible("update_list"));
        Assert.False(policy.IsToolVisible("unknown"));
    }

    [Fact]
    public void Decisions_without_argument_checks_are_shared_objects()
    {
        var policy = Policies.Compile(Policies.Verbatim);

        Assert.Same(policy.DecideTool("send_campaign", null), policy.DecideTool("send_campaign", Policies.Args("""{"x":1}""")));
        Assert.Same(policy.DecideTool("a", null), policy.DecideTool("b", null));
    }

    [Fact]
    public void The_schema_reference_field_is_allowed()
    {
        var policy = Policies.Compile("""{ "$schema": "../docs/policy.schema.json", "version": "1", "default": "allow" }""");

        Assert.Equal(DecisionKind.Allow, policy.DecideTool("x", null).Kind);
    }

    [Fact]
    public void Decision_text_names_kind_rule_reason_and_counters()
    {
        var policy = Policies.Compile(Policies.Verbatim);

        Assert.Equal(
            "allow by tools.send_campaign; counter send_campaign_rate 10 per 1m per grant",
            policy.DecideTool("send_campaign", null).ToString());
    }
}
