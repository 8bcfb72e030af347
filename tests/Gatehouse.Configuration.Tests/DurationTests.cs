using Gatehouse.Policy;

namespace Gatehouse.Configuration.Tests;

/// <summary>
/// gatehouse.json and a policy read a duration with the one grammar: the same text is the same duration in both,
/// or is refused by both for the same reason.
/// </summary>
public sealed class DurationTests
{
    /// <summary>
    /// JSON values as an operator writes them, and the duration in milliseconds, or null for a refusal. Read through
    /// <c>idleTimeout</c>, a timeout, so none accepted is longer than a timer waits (24 days); the longest duration
    /// of all, 36500 days, is a policy window's (Gatehouse.Policy.Tests).
    /// </summary>
    public static TheoryData<string, long?> Written => new()
    {
        { "90", 90_000 },
        { "0.5", 500 },
        { "1e3", 1_000_000 },
        { "\"second\"", 1_000 },
        { "\"minute\"", 60_000 },
        { "\"hour\"", 3_600_000 },
        { "\"day\"", 86_400_000 },
        { "\"500ms\"", 500 },
        { "\"90s\"", 90_000 },
        { "\"2m\"", 120_000 },
        { "\"1h30m\"", 5_400_000 },
        { "\"1d\"", 86_400_000 },
        { "\"1d2h3m4s5ms\"", 93_784_005 },
        { "0", null },
        { "-1", null },
        { "0.0001", null },
        { "3153600001", null },
        { "\"\"", null },
        { "\"90\"", null },
        { "\"0s\"", null },
        { "\"10x\"", null },
        { "\"1.5s\"", null },
        { "\"-5s\"", null },
        { "\"1m1h\"", null },
        { "\"1S\"", null },
        { "\"minutes\"", null },
        { "\"36501d\"", null },
        { "\"99999999999999999999d\"", null },
    };

    [Theory]
    [MemberData(nameof(Written))]
    public void Gatehouse_json_and_a_policy_read_a_duration_alike(string json, long? milliseconds)
    {
        var policy = PolicyCompiler.Compile($$"""
            { "version": "1", "tools": { "t": { "action": "allow", "rate_limit": { "max": 1, "window": {{json}} } } } }
            """);
        var config = Configured(json);

        if (milliseconds is { } expected)
        {
            Assert.True(policy.Succeeded, string.Join(Environment.NewLine, policy.Errors));
            Assert.Equal(TimeSpan.FromMilliseconds(expected), Assert.Single(policy.Policy.DecideTool("t", null).Counters).Window);
            Assert.Equal(TimeSpan.FromMilliseconds(expected), config.Duration);
            return;
        }

        var configError = Assert.IsType<string>(config.Error);
        Assert.Equal("window " + configError, Assert.Single(policy.Errors).Message);
    }

    [Fact]
    public void A_duration_of_another_type_is_refused_saying_what_it_may_be()
    {
        var error = TestConfig.SingleError("""{ "mcpServers": { "s": { "command": "x", "callTimeout": true } } }""");

        Assert.Equal("mcpServers.s.callTimeout", error.Field);
        Assert.Equal($"expected {Durations.Expected}, found a boolean", error.Message);
    }

    private static (TimeSpan? Duration, string? Error) Configured(string json)
    {
        var text = $$"""{ "mcpServers": { "s": { "command": "x", "idleTimeout": {{json}} } } }""";
        try
        {
            return (TestConfig.Parse(text).McpServers["s"].IdleTimeout, null);
        }
        catch (ConfigurationException e)
        {
            var error = Assert.Single(e.Errors);
            Assert.Equal("mcpServers.s.idleTimeout", error.Field);
            return (null, error.Message);
        }
    }
}
