namespace Gatehouse.Policy.Tests;

public class CarriedFieldsTests
{
    [Fact]
    public void Approval_settings_are_carried_to_the_decision()
    {
        var decision = Policies.Tools("""
            { "send_campaign": { "action": "require_approval", "approvers": ["alice", "bob"], "approvals": 2,
                                 "approve_via": "elicitation", "timeout": "15m" } }
            """).DecideTool("send_campaign", null);

        Assert.Equal(DecisionKind.RequireApproval, decision.Kind);
        Assert.NotNull(decision.Approval);
        Assert.Equal(["alice", "bob"], decision.Approval.Approvers);
        Assert.Equal(2, decision.Approval.Approvals);
        Assert.Equal("elicitation", decision.Approval.Via);
        Assert.Equal(TimeSpan.FromMinutes(15), decision.Approval.Timeout);
    }

    [Fact]
    public void Redacted_paths_are_carried_in_canonical_form_on_every_kind_of_decision()
    {
        var policy = Policies.Tools("""
            {
              "login": { "redact": ["password", "$.token", "$['api key']"], "arguments": { "conditions": { "user": { "max_length": 3 } } } },
              "wipe": { "action": "deny", "redact": ["secret"] }
            }
            """);

        string[] expected = ["$.password", "$.token", "$[\"api key\"]"];
        Assert.Equal(expected, policy.DecideTool("login", Policies.Args("""{ "user": "bob" }""")).Redact);
        Assert.Equal(expected, policy.DecideTool("login", Policies.Args("""{ "user": "alice" }""")).Redact);
        Assert.Equal(["$.secret"], policy.DecideTool("wipe", null).Redact);
        Assert.Empty(policy.DecideTool("other", null).Redact);
    }

    [Fact]
    public void Class_rules_carry_the_same_fields()
    {
        var decision = Policies.Compile("""
            { "version": "1", "classes": [ { "risk": "critical", "action": "require_approval", "approvers": ["ops"], "timeout": 600 } ] }
            """).DecideTool("drop_database", null, new ToolClass(ToolRisk.Critical, ToolCategory.Destructive));

        Assert.Equal(["ops"], decision.Approval!.Approvers);
        Assert.Equal(TimeSpan.FromMinutes(10), decision.Approval.Timeout);
    }
}
