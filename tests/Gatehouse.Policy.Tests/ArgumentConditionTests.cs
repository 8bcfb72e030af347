namespace Gatehouse.Policy.Tests;

public class ArgumentConditionTests
{
    private static PolicyDecision Decide(string condition, string arguments, string path = "$.value") =>
        Policies.Tools($$"""{ "t": { "arguments": { "conditions": { "{{path}}": {{condition}} } } } }""")
            .DecideTool("t", Policies.Args(arguments));

    [Theory]
    [InlineData("""{ "equals": "draft" }""", """{ "value": "draft" }""")]
    [InlineData("""{ "equals": 1 }""", """{ "value": 1.0 }""")]
    [InlineData("""{ "equals": { "a": 1, "b": [2] } }""", """{ "value": { "b": [2], "a": 1 } }""")]
    [InlineData("""{ "in": ["a", "b"] }""", """{ "value": "b" }""")]
    [InlineData("""{ "in": [1, "1"] }""", """{ "value": "1" }""")]
    [InlineData("""{ "not_in": ["a", "b"] }""", """{ "value": "c" }""")]
    [InlineData("""{ "min": 1 }""", """{ "value": 1 }""")]
    [InlineData("""{ "min": -1.5 }""", """{ "value": -1.5 }""")]
    [InlineData("""{ "max": 10 }""", """{ "value": 10 }""")]
    [InlineData("""{ "min": 1, "max": 3 }""", """{ "value": 2 }""")]
    [InlineData("""{ "max": 9007199254740993 }""", """{ "value": 9007199254740993 }""")]
    [InlineData("""{ "pattern": "[a-z]+" }""", """{ "value": "abc" }""")]
    [InlineData("""{ "pattern": "a|ab" }""", """{ "value": "ab" }""")]
    [InlineData("""{ "max_length": 3 }""", """{ "value": "abc" }""")]
    [InlineData("""{ "max_length": 2 }""", """{ "value": "😀😀" }""")]
    [InlineData("""{ "max_items": 2 }""", """{ "value": [1, 2] }""")]
    [InlineData("""{ "max_items": 0 }""", """{ "value": [] }""")]
    [InlineData("""{ "max_items": 1, "optional": true }""", """{ }""")]
    public void A_value_that_satisfies_the_condition_is_allowed(string condition, string arguments)
    {
        Assert.Equal(DecisionKind.Allow, Decide(condition, arguments).Kind);
    }

    [Theory]
    [InlineData("""{ "equals": "draft" }""", """{ "value": "Draft" }""", "must equal \"draft\"")]
    [InlineData("""{ "in": ["a", "b"] }""", """{ "value": "c" }""", "must be one of [\"a\", \"b\"]")]
    [InlineData("""{ "in": [1] }""", """{ "value": "1" }""", "must be one of [1]")]
    [InlineData("""{ "not_in": ["a", "b"] }""", """{ "value": "a" }""", "must not be one of")]
    [InlineData("""{ "min": 1 }""", """{ "value": 0.5 }""", "must be at least 1")]
    [InlineData("""{ "min": 1 }""", """{ "value": "5" }""", "must be a number")]
    [InlineData("""{ "max": 10 }""", """{ "value": 10.01 }""", "must be at most 10")]
    [InlineData("""{ "max": 0 }""", """{ "value": 1e-300 }""", "must be at most 0")]
    [InlineData("""{ "min": 0 }""", """{ "value": -1e-300 }""", "must be at least 0")]
    [InlineData("""{ "max": 1e-20 }""", """{ "value": 1.0000000000000002e-20 }""", "must be at most 1e-20")]
    [InlineData("""{ "pattern": "[a-z]+" }""", """{ "value": "abc1" }""", "must match [a-z]+")]
    [InlineData("""{ "pattern": "[a-z]+" }""", """{ "value": "x; rm -rf /" }""", "must match")]
    [InlineData("""{ "pattern": "[a-z]+" }""", """{ "value": "abc\n" }""", "must match")]
    [InlineData("""{ "pattern": "[a-z]+" }""", """{ "value": 5 }""", "must be a string")]
    [InlineData("""{ "max_length": 3 }""", """{ "value": "abcd" }""", "is 4 characters long, at most 3 allowed")]
    [InlineData("""{ "max_length": 3 }""", """{ "value": ["a"] }""", "must be a string")]
    [InlineData("""{ "max_items": 2 }""", """{ "value": [1, 2, 3] }""", "has 3 items, at most 2 allowed")]
    [InlineData("""{ "max_items": 2 }""", """{ "value": "abc" }""", "must be an array")]
    [InlineData("""{ "max_items": 2 }""", """{ }""", "is missing")]
    [InlineData("""{ "not_in": ["a"] }""", """{ }""", "is missing")]
    [InlineData("""{ "min": 1, "max": 3 }""", """{ "value": 4 }""", "must be at most 3")]
    public void A_value_that_violates_the_condition_is_refused_naming_path_operator_and_rule(string condition, string arguments, string problem)
    {
        var decision = Decide(condition, arguments);

        Assert.Equal(DecisionKind.InvalidArguments, decision.Kind);
        Assert.Equal("tools.t", decision.Rule);
        Assert.Contains("argument $.value " + problem, decision.Reason, StringComparison.Ordinal);
        Assert.EndsWith(", rule tools.t)", decision.Reason, StringComparison.Ordinal);
        Assert.Empty(decision.Counters);
    }

    [Fact]
    public void The_issue_example_refuses_send_campaign_with_more_than_two_lists()
    {
        var policy = Policies.Tools("""
            { "send_campaign": {
                "limits": [ { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" } ],
                "arguments": { "conditions": { "list_ids": { "max_items": 2 } } } } }
            """);

        var refused = policy.DecideTool("send_campaign", Policies.Args("""{ "campaign_id": 3, "list_ids": [1, 2, 3] }"""));
        var allowed = policy.DecideTool("send_campaign", Policies.Args("""{ "campaign_id": 3, "list_ids": [1, 2] }"""));

        Assert.Equal(DecisionKind.InvalidArguments, refused.Kind);
        Assert.Equal("argument $.list_ids has 3 items, at most 2 allowed (max_items, rule tools.send_campaign)", refused.Reason);
        Assert.Equal(DecisionKind.Allow, allowed.Kind);
        Assert.Single(allowed.Counters);
    }

    [Theory]
    [InlineData("$.a.b", """{ "a": { "b": 5 } }""")]
    [InlineData("a.b", """{ "a": { "b": 5 } }""")]
    [InlineData("$.list[1]", """{ "list": [0, 5] }""")]
    [InlineData("$[\"odd name\"]", """{ "odd name": 5 }""")]
    [InlineData("$['a.b']", """{ "a.b": 5 }""")]
    [InlineData("$.a[0].b", """{ "a": [ { "b": 5 } ] }""")]
    public void Paths_reach_nested_values(string path, string arguments)
    {
        var policy = Policies.Tools($$"""{ "t": { "arguments": { "conditions": { {{System.Text.Json.JsonSerializer.Serialize(path)}}: { "equals": 5 } } } } }""");

        Assert.Equal(DecisionKind.Allow, policy.DecideTool("t", Policies.Args(arguments)).Kind);
        Assert.Equal(DecisionKind.InvalidArguments, policy.DecideTool("t", Policies.Args("{}")).Kind);
    }

    [Fact]
    public void Missing_arguments_are_checked_as_an_empty_object()
    {
        var policy = Policies.Tools("""{ "t": { "arguments": { "conditions": { "x": { "equals": 1 } } } } }""");

        Assert.Contains("$.x is missing", policy.DecideTool("t", null).Reason, StringComparison.Ordinal);
        Assert.Contains("$.x is missing", policy.DecideTool("t", default(System.Text.Json.JsonElement)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_condition_must_hold_and_the_first_violation_is_reported()
    {
        var policy = Policies.Tools("""
            { "t": { "arguments": { "conditions": { "a": { "max": 1 }, "b": { "max": 1 } } } } }
            """);

        Assert.Contains("$.a", policy.DecideTool("t", Policies.Args("""{ "a": 2, "b": 2 }""")).Reason, StringComparison.Ordinal);
        Assert.Contains("$.b", policy.DecideTool("t", Policies.Args("""{ "a": 1, "b": 2 }""")).Reason, StringComparison.Ordinal);
        Assert.Equal(DecisionKind.Allow, policy.DecideTool("t", Policies.Args("""{ "a": 1, "b": 1 }""")).Kind);
    }

    [Fact]
    public void Argument_checks_of_a_require_approval_rule_run_before_the_call_is_held()
    {
        var policy = Policies.Tools("""
            { "t": { "action": "require_approval", "arguments": { "conditions": { "a": { "max": 1 } } } } }
            """);

        Assert.Equal(DecisionKind.InvalidArguments, policy.DecideTool("t", Policies.Args("""{ "a": 2 }""")).Kind);
        Assert.Equal(DecisionKind.RequireApproval, policy.DecideTool("t", Policies.Args("""{ "a": 1 }""")).Kind);
    }

    [Fact]
    public void A_pathological_pattern_runs_in_linear_time()
    {
        var policy = Policies.Tools("""{ "t": { "arguments": { "conditions": { "s": { "pattern": "(a+)+b" } } } } }""");
        var hostile = Policies.Args($$"""{ "s": "{{new string('a', 50_000)}}c" }""");

        var started = System.Diagnostics.Stopwatch.StartNew();
        var decision = policy.DecideTool("t", hostile);

        Assert.Equal(DecisionKind.InvalidArguments, decision.Kind);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Fact]
    public void Prompt_arguments_are_checked_the_same_way()
    {
        var policy = Policies.Compile("""
            { "version": "1", "prompts": { "summarise": { "arguments": { "conditions": { "style": { "in": ["short", "long"] } } } } } }
            """);

        Assert.Equal(DecisionKind.Allow, policy.DecidePrompt("summarise", Policies.Args("""{ "style": "short" }""")).Kind);
        var refused = policy.DecidePrompt("summarise", Policies.Args("""{ "style": "epic" }"""));
        Assert.Equal(DecisionKind.InvalidArguments, refused.Kind);
        Assert.Equal("prompts.summarise", refused.Rule);
    }
}
