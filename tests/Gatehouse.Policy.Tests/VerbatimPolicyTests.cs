namespace Gatehouse.Policy.Tests;

public class VerbatimPolicyTests
{
    private readonly CompiledPolicy _policy = Policies.Compile(Policies.Verbatim);

    [Fact]
    public void Send_campaign_is_allowed_and_names_its_counter()
    {
        var decision = _policy.DecideTool("send_campaign", null);

        Assert.Equal(DecisionKind.Allow, decision.Kind);
        Assert.Equal("tools.send_campaign", decision.Rule);
        var counter = Assert.Single(decision.Counters);
        Assert.Equal(new CounterRequirement("send_campaign_rate", TimeSpan.FromMinutes(1), 10, CounterScope.Grant), counter);
    }

    [Theory]
    [InlineData("create_campaign")]
    [InlineData("delete_list")]
    [InlineData("get_subscribers")]
    public void Every_other_tool_is_denied_by_the_default(string tool)
    {
        var decision = _policy.DecideTool(tool, null);

        Assert.Equal(DecisionKind.Deny, decision.Kind);
        Assert.Equal("default", decision.Rule);
        Assert.Contains("default is deny", decision.Reason, StringComparison.Ordinal);
        Assert.Empty(decision.Counters);
    }

    [Fact]
    public void Only_send_campaign_is_listed()
    {
        Assert.True(_policy.IsToolVisible("send_campaign"));
        Assert.False(_policy.IsToolVisible("create_campaign"));
    }

    [Fact]
    public void The_default_also_denies_resources_and_prompts()
    {
        Assert.Equal(DecisionKind.Deny, _policy.DecideResource("file:///etc/passwd").Kind);
        Assert.Equal(DecisionKind.Deny, _policy.DecidePrompt("summarise", null).Kind);
        Assert.False(_policy.IsResourceVisible("file:///etc/passwd"));
        Assert.False(_policy.IsResourceTemplateVisible("file:///{path}"));
        Assert.False(_policy.IsPromptVisible("summarise"));
    }

    [Fact]
    public void The_eleventh_campaign_in_a_burst_is_rate_limited_per_grant()
    {
        var report = PolicyTestRunner.Run(_policy, """
            [
              { "grant": "marketing", "tool": "send_campaign", "repeat": 10, "expect": "allow" },
              { "grant": "marketing", "tool": "send_campaign", "expect": "rate_limited" },
              { "grant": "support", "tool": "send_campaign", "expect": "allow" },
              { "grant": "marketing", "tool": "delete_list", "expect": "deny" }
            ]
            """);

        Assert.True(report.Succeeded, string.Join(Environment.NewLine, report.Results));
        Assert.Equal("4 passed, 0 failed", report.Summary);
    }

    [Theory]
    [InlineData("Send_campaign")]
    [InlineData("send_campaign ")]
    [InlineData(" send_campaign")]
    [InlineData("send_campaign\0")]
    [InlineData("send\u00ADcampaign")]
    [InlineData("send_campaign\u200B")]
    [InlineData("ｓend_campaign")]
    public void A_name_that_merely_looks_the_same_is_a_different_tool(string lookalike)
    {
        Assert.Equal(DecisionKind.Deny, _policy.DecideTool(lookalike, null).Kind);
        Assert.False(_policy.IsToolVisible(lookalike));
    }

    [Fact]
    public void Names_are_not_unicode_normalised()
    {
        var composed = "caf\u00e9";
        var decomposed = "cafe\u0301";
        var policy = Policies.Tools($$"""{ "{{composed}}": "allow" }""");

        Assert.Equal(DecisionKind.Allow, policy.DecideTool(composed, null).Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecideTool(decomposed, null).Kind);
    }
}
