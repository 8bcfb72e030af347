namespace Gatehouse.Policy.Tests;

public class ResourceAndPromptTests
{
    [Fact]
    public void Resources_are_decided_by_exact_uri_then_glob_then_default()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny",
              "resources": {
                "file:///docs/*": "allow",
                "file:///docs/secret.md": { "action": "deny", "reason": "not for agents" },
                "https://*": { "action": "require_approval" }
              } }
            """);

        Assert.Equal(DecisionKind.Allow, policy.DecideResource("file:///docs/readme.md").Kind);
        Assert.Equal("resources[\"file:///docs/*\"]", policy.DecideResource("file:///docs/readme.md").Rule);
        Assert.Equal("not for agents", policy.DecideResource("file:///docs/secret.md").Reason);
        Assert.Equal(DecisionKind.RequireApproval, policy.DecideResource("https://example.com/").Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecideResource("file:///etc/passwd").Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecideResource("FILE:///docs/readme.md").Kind);
    }

    [Fact]
    public void Resource_rules_may_carry_limits()
    {
        var decision = Policies.Compile("""
            { "version": "1", "resources": { "db://*": { "rate_limit": { "max": 100, "window": "minute" } } } }
            """).DecideResource("db://users");

        Assert.Equal("resources[\"db://*\"]", Assert.Single(decision.Counters).Name);
    }

    [Fact]
    public void Resource_visibility_follows_the_decision()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "allow", "resources": { "file:///private/*": "deny" } }
            """);

        Assert.True(policy.IsResourceVisible("file:///public/a"));
        Assert.False(policy.IsResourceVisible("file:///private/a"));
    }

    [Theory]
    [InlineData("file:///docs/{name}", true)]
    [InlineData("file:///{path}", true)]
    [InlineData("file:///private/{name}", false)]
    [InlineData("db://users/{id}", true)]
    [InlineData("db://{table}", true)] // errs towards listing: an expansion could be "users/42"
    [InlineData("mail://{id}", false)]
    [InlineData("https://example.com/{+path}{?q}", false)]
    public void A_template_is_listed_when_some_uri_it_produces_may_be_read_under_default_deny(string template, bool visible)
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny",
              "resources": { "file:///docs/*": "allow", "file:///private/*": "deny", "db://users/42": "allow" } }
            """);

        Assert.Equal(visible, policy.IsResourceTemplateVisible(template));
    }

    [Theory]
    [InlineData("file:///private/secret/{name}", false)]
    [InlineData("file:///private/{name}", true)]
    [InlineData("file:///private/keep/{name}", true)]
    [InlineData("file:///{path}", true)]
    [InlineData("https://{host}/", true)]
    public void A_template_is_hidden_under_default_allow_only_when_a_deny_glob_covers_it(string template, bool visible)
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "allow",
              "resources": { "file:///private/*": "deny", "file:///private/keep/x": "allow" } }
            """);

        Assert.Equal(visible, policy.IsResourceTemplateVisible(template));
    }

    [Fact]
    public void Prompts_are_decided_by_name_glob_and_default()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny", "prompts": { "summarise": "allow", "draft_*": "require_approval" } }
            """);

        Assert.Equal(DecisionKind.Allow, policy.DecidePrompt("summarise", null).Kind);
        Assert.Equal(DecisionKind.RequireApproval, policy.DecidePrompt("draft_email", null).Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecidePrompt("other", null).Kind);
        Assert.True(policy.IsPromptVisible("draft_email"));
        Assert.False(policy.IsPromptVisible("other"));
    }

    [Fact]
    public void Tools_resources_and_prompts_are_separate_namespaces()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny", "tools": { "x": "allow" }, "prompts": { "y": "allow" } }
            """);

        Assert.Equal(DecisionKind.Deny, policy.DecidePrompt("x", null).Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecideTool("y", null).Kind);
    }

    [Fact]
    public void Class_rules_apply_only_to_tools()
    {
        var policy = Policies.Compile("""{ "version": "1", "classes": [ { "risk": "low" } ] }""");

        Assert.Equal(DecisionKind.Allow, policy.DecideTool("t", null, new ToolClass(ToolRisk.Low, ToolCategory.Read)).Kind);
        Assert.Equal(DecisionKind.Deny, policy.DecidePrompt("t", null).Kind);
    }
}
