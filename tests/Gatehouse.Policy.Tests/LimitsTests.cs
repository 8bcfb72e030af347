namespace Gatehouse.Policy.Tests;

public class LimitsTests
{
    [Theory]
    [InlineData("\"second\"", 1)]
    [InlineData("\"day\"", 86400)]
    [InlineData("45", 45)]
    [InlineData("\"90s\"", 90)]
    public void A_limit_names_its_counter_window_max_and_scope(string window, int seconds)
    {
        var decision = Policies.Tools($$"""
            { "t": { "limits": [ { "counter": "c", "window": {{window}}, "max": 3, "scope": "identity" } ] } }
            """).DecideTool("t", null);

        Assert.Equal(new CounterRequirement("c", TimeSpan.FromSeconds(seconds), 3, CounterScope.Identity), Assert.Single(decision.Counters));
    }

    [Theory]
    [InlineData("grant", CounterScope.Grant)]
    [InlineData("identity", CounterScope.Identity)]
    [InlineData("session", CounterScope.Session)]
    [InlineData("global", CounterScope.Global)]
    public void Every_scope_is_understood(string scope, CounterScope expected)
    {
        var decision = Policies.Tools($$"""
            { "t": { "limits": [ { "counter": "c", "window": 1, "max": 1, "scope": "{{scope}}" } ] } }
            """).DecideTool("t", null);

        Assert.Equal(expected, decision.Counters[0].Scope);
    }

    [Theory]
    [InlineData("", CounterAlgorithm.SlidingWindow)]
    [InlineData(", \"algorithm\": \"sliding_window\"", CounterAlgorithm.SlidingWindow)]
    [InlineData(", \"algorithm\": \"smooth\"", CounterAlgorithm.Smooth)]
    public void The_algorithm_is_the_exact_sliding_window_unless_smooth_is_asked_for(string field, CounterAlgorithm expected)
    {
        var decision = Policies.Tools($$"""
            { "t": { "limits": [ { "counter": "c", "window": "minute", "max": 10{{field}} } ] }, "u": { "rate_limit": { "max": 1, "window": 1{{field}} } } }
            """);

        Assert.Equal(expected, decision.DecideTool("t", null).Counters[0].Algorithm);
        Assert.Equal(expected, decision.DecideTool("u", null).Counters[0].Algorithm);
    }

    [Fact]
    public void A_smooth_counter_spaces_calls_a_window_over_max_apart()
    {
        var counter = Policies.Tools("""{ "t": { "limits": [ { "counter": "c", "window": "minute", "max": 10, "algorithm": "smooth" } ] } }""")
            .DecideTool("t", null).Counters[0];

        Assert.Equal(TimeSpan.FromSeconds(6), counter.Spacing);
    }

    [Fact]
    public void The_scope_defaults_to_grant()
    {
        var decision = Policies.Tools("""{ "t": { "limits": [ { "counter": "c", "window": 1, "max": 1 } ] } }""").DecideTool("t", null);

        Assert.Equal(CounterScope.Grant, decision.Counters[0].Scope);
    }

    [Fact]
    public void A_rule_may_name_several_counters_in_order()
    {
        var decision = Policies.Tools("""
            { "t": { "limits": [
              { "counter": "burst", "window": "second", "max": 2 },
              { "counter": "daily", "window": "day", "max": 100, "scope": "global" } ] } }
            """).DecideTool("t", null);

        Assert.Equal(["burst", "daily"], decision.Counters.Select(counter => counter.Name));
    }

    [Fact]
    public void The_rate_limit_block_is_a_counter_named_after_the_rule_with_window_in_seconds()
    {
        var decision = Policies.Tools("""{ "send_campaign": { "rate_limit": { "max": 10, "window": 60 } } }""").DecideTool("send_campaign", null);

        Assert.Equal(new CounterRequirement("tools.send_campaign", TimeSpan.FromMinutes(1), 10, CounterScope.Grant), Assert.Single(decision.Counters));
    }

    [Fact]
    public void A_rate_limit_on_a_glob_is_one_budget_for_every_tool_it_matches()
    {
        var policy = Policies.Tools("""{ "get_*": { "rate_limit": { "max": 5, "window": "minute", "scope": "session" } } }""");

        Assert.Equal(policy.DecideTool("get_a", null).Counters, policy.DecideTool("get_b", null).Counters);
        Assert.Equal("tools[\"get_*\"]", policy.DecideTool("get_a", null).Counters[0].Name);
    }

    [Fact]
    public void Limits_and_a_rate_limit_add_up()
    {
        var decision = Policies.Tools("""
            { "t": { "rate_limit": { "max": 10, "window": 60 }, "limits": [ { "counter": "daily", "window": "day", "max": 50 } ] } }
            """).DecideTool("t", null);

        Assert.Equal(["daily", "tools.t"], decision.Counters.Select(counter => counter.Name));
    }

    [Fact]
    public void Rules_naming_the_same_counter_share_it()
    {
        var policy = Policies.Tools("""
            {
              "send_campaign": { "limits": [ { "counter": "email", "window": "hour", "max": 100 } ] },
              "send_test": { "limits": [ { "counter": "email", "window": "hour", "max": 100 } ] }
            }
            """);

        Assert.Equal(policy.DecideTool("send_campaign", null).Counters, policy.DecideTool("send_test", null).Counters);
    }

    [Fact]
    public void Require_approval_rules_carry_their_counters()
    {
        var decision = Policies.Tools("""
            { "t": { "action": "require_approval", "limits": [ { "counter": "c", "window": 1, "max": 1 } ] } }
            """).DecideTool("t", null);

        Assert.Single(decision.Counters);
    }

    [Theory]
    [InlineData("""{ "counter": "c", "window": 60, "max": 11 }""", "max 10")]
    [InlineData("""{ "counter": "c", "window": 61, "max": 10 }""", "window 1m")]
    [InlineData("""{ "counter": "c", "window": 60, "max": 10, "scope": "global" }""", "scope grant")]
    [InlineData("""{ "counter": "c", "window": 60, "max": 10, "algorithm": "smooth" }""", "algorithm sliding_window")]
    public void The_same_counter_defined_differently_is_an_error(string second, string firstDescribed)
    {
        var error = Policies.ToolsError($$"""
            {
              "a": { "limits": [ { "counter": "c", "window": "minute", "max": 10 } ] },
              "b": { "limits": [ {{second}} ] }
            }
            """);

        Assert.Equal("tools.b.limits[0]", error.Path);
        Assert.Equal(3, error.Line);
        Assert.Contains("tools.a.limits[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains(firstDescribed, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_counter_listed_twice_in_one_rule_is_an_error()
    {
        var error = Policies.ToolsError("""
            { "a": { "limits": [ { "counter": "c", "window": 1, "max": 1 }, { "counter": "c", "window": 1, "max": 1 } ] } }
            """);

        Assert.Equal("tools.a.limits[1]", error.Path);
        Assert.Contains("already listed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "window": 1, "max": 1 }""", "tools.a.limits[0].counter", "missing required field")]
    [InlineData("""{ "counter": "", "window": 1, "max": 1 }""", "tools.a.limits[0].counter", "must not be empty")]
    [InlineData("""{ "counter": "c", "max": 1 }""", "tools.a.limits[0].window", "missing required field")]
    [InlineData("""{ "counter": "c", "window": 1 }""", "tools.a.limits[0].max", "missing required field")]
    [InlineData("""{ "counter": "c", "window": "fortnight", "max": 1 }""", "tools.a.limits[0].window", "is not a duration")]
    [InlineData("""{ "counter": "c", "window": 0, "max": 1 }""", "tools.a.limits[0].window", "longer than zero")]
    [InlineData("""{ "counter": "c", "window": 1, "max": 0 }""", "tools.a.limits[0].max", "must be a whole number from 1 to 2147483647, found 0")]
    [InlineData("""{ "counter": "c", "window": 1, "max": 2.5 }""", "tools.a.limits[0].max", "found 2.5")]
    [InlineData("""{ "counter": "c", "window": 1, "max": "10" }""", "tools.a.limits[0].max", "found a string")]
    [InlineData("""{ "counter": "c", "window": 1, "max": 1, "scope": "tenant" }""", "tools.a.limits[0].scope", "is not one of")]
    [InlineData("""{ "counter": "c", "window": 1, "max": 1, "algorithm": "gcra" }""", "tools.a.limits[0].algorithm", "is not one of")]
    [InlineData("""{ "counter": "c", "window": 1, "max": 1, "per": "grant" }""", "tools.a.limits[0].per", "unknown field")]
    [InlineData("\"c\"", "tools.a.limits[0]", "must be a limit")]
    public void A_malformed_limit_is_an_error(string limit, string path, string message)
    {
        var error = Policies.ToolsError($$"""{ "a": { "limits": [ {{limit}} ] } }""");

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "limits": [] }""", "tools.a.limits", "must not be empty")]
    [InlineData("""{ "limits": {} }""", "tools.a.limits", "must be an array")]
    [InlineData("""{ "rate_limit": { "max": 1 } }""", "tools.a.rate_limit.window", "missing required field")]
    [InlineData("""{ "rate_limit": { "max": 1, "window": 1, "counter": "x" } }""", "tools.a.rate_limit.counter", "unknown field")]
    [InlineData("""{ "rate_limit": 10 }""", "tools.a.rate_limit", "must be a rate_limit")]
    public void A_malformed_limits_field_is_an_error(string rule, string path, string message)
    {
        var error = Policies.ToolsError($$"""{ "a": {{rule}} }""");

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
