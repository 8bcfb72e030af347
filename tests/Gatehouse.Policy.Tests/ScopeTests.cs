namespace Gatehouse.Policy.Tests;

public sealed class ScopeTests
{
    [Fact]
    public void A_rule_names_the_scopes_its_calls_need_and_the_policy_lists_every_scope_once()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny",
              "tools": { "send_campaign": { "scopes": ["listmonk:send"] }, "get_*": { "scopes": ["listmonk:read"] }, "list_lists": "allow" },
              "classes": [ { "risk": "critical", "action": "require_approval", "scopes": ["listmonk:admin", "listmonk:send"] } ],
              "resources": { "listmonk://*": { "scopes": ["listmonk:read"] } },
              "prompts": { "draft": { "scopes": ["listmonk:write"] } } }
            """);

        Assert.Equal(["listmonk:send"], policy.DecideTool("send_campaign", null).Scopes);
        Assert.Equal(["listmonk:read"], policy.DecideTool("get_campaign", null).Scopes);
        Assert.Empty(policy.DecideTool("list_lists", null).Scopes);
        Assert.Equal(["listmonk:admin", "listmonk:send"], policy.DecideTool("drop_all", null, new ToolClass(ToolRisk.Critical, ToolCategory.Destructive)).Scopes);
        Assert.Equal(["listmonk:read"], policy.DecideResource("listmonk://campaigns").Scopes);
        Assert.Equal(["listmonk:write"], policy.DecidePrompt("draft", null).Scopes);
        Assert.Empty(policy.DecidePrompt("other", null).Scopes);
        Assert.Equal(["listmonk:admin", "listmonk:read", "listmonk:send", "listmonk:write"], policy.Scopes);
    }

    [Theory]
    [InlineData("""["listmonk send"]""", "tools.t.scopes[0]", "a scope must be printable ASCII without spaces")]
    [InlineData("""["listmonk:\"send\""]""", "tools.t.scopes[0]", "a scope must be printable ASCII")]
    [InlineData("""["envoyé"]""", "tools.t.scopes[0]", "a scope must be printable ASCII")]
    [InlineData("""["a\\b"]""", "tools.t.scopes[0]", "a scope must be printable ASCII")]
    [InlineData("""[""]""", "tools.t.scopes[0]", "must not be empty")]
    [InlineData("""["a", "a"]""", "tools.t.scopes[1]", "scope \"a\" is listed twice")]
    [InlineData("\"a\"", "tools.t.scopes", "array")]
    [InlineData("[1]", "tools.t.scopes[0]", "string")]
    public void A_mistaken_scope_is_named_with_its_path(string scopes, string path, string message)
    {
        var error = Policies.ToolsError($$"""{ "t": { "scopes": {{scopes}} } }""");

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deny_rule_cannot_name_scopes_since_no_scope_would_let_its_calls_run()
    {
        var error = Policies.ToolsError("""{ "t": { "action": "deny", "scopes": ["a"] } }""");

        Assert.Equal("tools.t.scopes", error.Path);
        Assert.Contains("a deny rule never lets the call run", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("listmonk:send", true)]
    [InlineData("https://graph.example.com/Mail.Send", true)]
    [InlineData("!#[]~", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("a\tb", false)]
    [InlineData("a\"b", false)]
    [InlineData("a\\b", false)]
    [InlineData("a\u007fb", false)]
    [InlineData("é", false)]
    public void Scope_tokens_follow_rfc_6749(string scope, bool valid) => Assert.Equal(valid, ScopeTokens.IsValid(scope));
}
