namespace Gatehouse.Policy.Tests;

public class PolicyTestRunnerTests
{
    private static readonly CompiledPolicy _policy = Policies.Compile("""
        { "version": "1", "default": "deny",
          "tools": {
            "get_*": "allow",
            "send_campaign": { "limits": [ { "counter": "sends", "window": "minute", "max": 2, "scope": "identity" } ],
                               "arguments": { "conditions": { "list_ids": { "max_items": 2, "optional": true } } } },
            "send_test": { "limits": [ { "counter": "sends", "window": "minute", "max": 2, "scope": "identity" } ] },
            "import": { "action": "require_approval", "rate_limit": { "max": 1, "window": 1, "scope": "global" } },
            "ping": { "limits": [ { "counter": "pings", "window": 1, "max": 1, "scope": "session" } ] }
          },
          "classes": [ { "risk": "critical", "action": "deny" } ],
          "resources": { "file:///docs/*": "allow" },
          "prompts": { "summarise": "allow" } }
        """);

    [Fact]
    public void Every_expectation_can_pass()
    {
        var report = PolicyTestRunner.Run(_policy, """
            [
              { "name": "reads are fine", "tool": "get_list", "expect": "allow", "rule": "tools[\"get_*\"]" },
              { "tool": "delete_list", "expect": "deny", "rule": "default" },
              { "tool": "import", "expect": "require_approval" },
              { "tool": "send_campaign", "arguments": { "list_ids": [1, 2, 3] }, "expect": "invalid_arguments" },
              { "tool": "get_secret", "class": { "risk": "critical", "category": "read" }, "expect": "allow" },
              { "tool": "secret", "class": { "risk": "critical", "category": "read" }, "expect": "deny", "rule": "classes[0]" },
              { "resource": "file:///docs/a.md", "expect": "allow" },
              { "prompt": "summarise", "arguments": { "style": "short" }, "expect": "allow" }
            ]
            """);

        Assert.Empty(report.Errors);
        Assert.All(report.Results, result => Assert.True(result.Passed, result.ToString()));
        Assert.Equal("8 passed, 0 failed", report.Summary);
        Assert.True(report.Succeeded);
    }

    [Fact]
    public void A_failure_says_what_was_expected_and_what_happened_where()
    {
        var report = PolicyTestRunner.Run(_policy, """
            [
              { "tool": "get_list", "expect": "allow" },
              { "name": "delete is allowed?", "tool": "delete_list", "expect": "allow" },
              { "tool": "get_list", "expect": "allow", "rule": "tools.get_list" }
            ]
            """);

        Assert.Equal("1 passed, 2 failed", report.Summary);
        Assert.False(report.Succeeded);
        var failure = report.Results[1];
        Assert.False(failure.Passed);
        Assert.Equal("allow", failure.Expected);
        Assert.StartsWith("deny by default (", failure.Actual, StringComparison.Ordinal);
        Assert.Equal((3, 3), (failure.Line, failure.Column));
        Assert.StartsWith("3:3: delete is allowed?: expected allow, got deny by default", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal("allow by tools.get_list", report.Results[2].Expected);
        Assert.Equal("allow by tools[\"get_*\"]", report.Results[2].Actual);
    }

    [Fact]
    public void Counters_are_shared_by_name_and_kept_per_scope_key()
    {
        var report = PolicyTestRunner.Run(_policy, """
            [
              { "identity": "a", "tool": "send_campaign", "expect": "allow" },
              { "identity": "a", "tool": "send_test", "expect": "allow" },
              { "identity": "a", "tool": "send_campaign", "expect": "rate_limited" },
              { "identity": "b", "grant": "other", "tool": "send_test", "repeat": 2, "expect": "allow" },
              { "identity": "b", "tool": "send_test", "expect": "rate_limited" },
              { "session": "s1", "tool": "ping", "expect": "allow" },
              { "session": "s2", "tool": "ping", "expect": "allow" },
              { "session": "s1", "tool": "ping", "expect": "rate_limited" }
            ]
            """);

        Assert.All(report.Results, result => Assert.True(result.Passed, result.ToString()));
    }

    [Fact]
    public void A_smooth_counter_lets_one_call_of_a_burst_through()
    {
        var policy = Policies.Compile("""
            { "version": "1", "tools": { "send": { "limits": [ { "counter": "c", "window": "minute", "max": 10, "algorithm": "smooth" } ] } } }
            """);

        var report = PolicyTestRunner.Run(policy, """
            [ { "tool": "send", "expect": "allow" }, { "tool": "send", "expect": "rate_limited" } ]
            """);

        Assert.All(report.Results, result => Assert.True(result.Passed, result.ToString()));
    }

    [Fact]
    public void Held_and_refused_calls_consume_nothing()
    {
        var report = PolicyTestRunner.Run(_policy, """
            [
              { "tool": "import", "repeat": 5, "expect": "require_approval" },
              { "identity": "a", "tool": "send_campaign", "arguments": { "list_ids": [1, 2, 3] }, "repeat": 5, "expect": "invalid_arguments" },
              { "identity": "a", "tool": "send_campaign", "repeat": 2, "expect": "allow" }
            ]
            """);

        Assert.True(report.Succeeded, string.Join(Environment.NewLine, report.Results));
    }

    [Fact]
    public void A_repeated_case_reports_the_call_that_failed()
    {
        var report = PolicyTestRunner.Run(_policy, """[ { "identity": "x", "tool": "send_test", "repeat": 5, "expect": "allow" } ]""");

        var result = Assert.Single(report.Results);
        Assert.False(result.Passed);
        Assert.Equal("rate_limited by tools.send_test on call 3 of 5", result.Actual);
    }

    [Fact]
    public void Cases_run_against_the_verbatim_policy_as_in_the_demo()
    {
        var report = PolicyTestRunner.Run(Policies.Compile(Policies.Verbatim), """
            [
              { "identity": "marketing-agent", "grant": "marketing", "tool": "send_campaign", "arguments": { "campaign_id": 3 }, "repeat": 10, "expect": "allow" },
              { "identity": "marketing-agent", "grant": "marketing", "tool": "send_campaign", "arguments": { "campaign_id": 3 }, "expect": "rate_limited" },
              { "identity": "marketing-agent", "grant": "marketing", "tool": "get_campaigns", "expect": "deny" }
            ]
            """);

        Assert.Equal("3 passed, 0 failed", report.Summary);
    }

    [Fact]
    public void A_malformed_cases_file_is_refused_with_every_error_and_its_position()
    {
        var report = PolicyTestRunner.Run(_policy, """
            [
              { "tool": "a", "resource": "b", "expect": "allow" },
              { "tool": "a", "expect": "alow" },
              { "tool": "a" },
              { "resource": "file:///a", "arguments": {}, "expect": "allow" },
              { "prompt": "p", "class": { "risk": "high", "category": "read" }, "expect": "allow" },
              { "tool": "a", "class": { "risk": "high" }, "expect": "allow" },
              { "tool": "a", "expect": "allow", "repeat": 0 },
              { "tool": "a", "expect": "allow", "identity": 5 },
              { "tool": "a", "expect": "allow", "expected": "deny" },
              3
            ]
            """);

        Assert.Empty(report.Results);
        Assert.False(report.Succeeded);
        Assert.Equal(
            [
                "2:3: [0]: a test case names exactly one of \"tool\", \"resource\" or \"prompt\"",
                "3:28: [1].expect: \"alow\" is not one of \"allow\", \"deny\", \"require_approval\", \"invalid_arguments\", \"rate_limited\"; did you mean \"allow\"?",
                "4:3: [2].expect: missing required field \"expect\"",
                "5:30: [3].arguments: a resource read takes no arguments",
                "6:20: [4].class: only tools have a class",
                "7:27: [5].class.category: missing required field \"category\"",
                "8:47: [6].repeat: must be a whole number from 1 to 2147483647, found 0",
                "9:49: [7].identity: must be a string, found a number",
                "10:37: [8].expected: unknown field \"expected\" in a test case; did you mean \"expect\"?",
                "11:3: [9]: must be a test case, found a number",
            ],
            report.Errors.Select(error => error.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("[ { \"tool\": \"a\", \"expect\": \"allow\" }")]
    public void A_cases_file_that_is_not_an_array_of_cases_is_refused(string text)
    {
        var report = PolicyTestRunner.Run(_policy, text);

        Assert.NotEmpty(report.Errors);
        Assert.Empty(report.Results);
    }

    [Fact]
    public void An_empty_cases_file_passes_trivially()
    {
        Assert.Equal("0 passed, 0 failed", PolicyTestRunner.Run(_policy, "[]").Summary);
    }
}
