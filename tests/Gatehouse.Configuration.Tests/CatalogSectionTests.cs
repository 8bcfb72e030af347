namespace Gatehouse.Configuration.Tests;

public sealed class CatalogSectionTests
{
    [Fact]
    public void By_default_the_catalog_fails_closed()
    {
        Assert.False(TestConfig.Parse("{}").Catalog.FailOpen);
        Assert.False(TestConfig.Parse("""{ "catalog": {} }""").Catalog.FailOpen);
    }

    [Fact]
    public void The_operator_may_let_unchecked_tools_through()
    {
        Assert.True(TestConfig.Parse("""{ "catalog": { "failOpen": true } }""").Catalog.FailOpen);
    }

    [Theory]
    [InlineData("""{ "catalog": { "failOpen": "yes" } }""", "catalog.failOpen", "true or false")]
    [InlineData("""{ "catalog": { "failopen": true } }""", "catalog.failopen", "unknown field")]
    [InlineData("""{ "catalog": [] }""", "catalog", "an object")]
    [InlineData("""{ "catalg": {} }""", "catalg", "did you mean 'catalog'")]
    public void A_mistake_names_its_field(string json, string field, string message)
    {
        var error = Assert.Single(TestConfig.Errors(json), e => e.Field == field);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteSyncTests
{
    [Fact]
    public void By_default_every_commit_is_flushed_to_the_disk()
    {
        Assert.True(TestConfig.Parse("{}").Store.SqliteSyncEveryCommit);
        Assert.True(TestConfig.Parse("""{ "store": { "sqliteSync": "full" } }""").Store.SqliteSyncEveryCommit);
    }

    [Fact]
    public void Normal_trades_a_power_cut_for_cheaper_commits()
    {
        Assert.False(TestConfig.Parse("""{ "store": { "sqliteSync": "normal" } }""").Store.SqliteSyncEveryCommit);
    }

    [Theory]
    [InlineData("""{ "store": { "sqliteSync": "off" } }""", "must be \"full\" or \"normal\", not 'off'")]
    [InlineData("""{ "store": { "sqliteSync": "FULL" } }""", "must be \"full\" or \"normal\"")]
    [InlineData("""{ "store": { "sqliteSync": false } }""", "a string")]
    public void Anything_else_is_an_error_naming_the_field(string json, string message)
    {
        var error = Assert.Single(TestConfig.Errors(json), e => e.Field == "store.sqliteSync");

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

public sealed class DependencyTimeoutTests
{
    [Fact]
    public void By_default_no_call_waits_more_than_two_seconds_on_the_store_or_the_counters()
    {
        var config = TestConfig.Parse("{}");

        Assert.Equal(TimeSpan.FromSeconds(2), config.Store.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), config.Counters.Timeout);
    }

    [Fact]
    public void Each_takes_a_duration()
    {
        var config = TestConfig.Parse("""{ "store": { "timeout": "5s" }, "counters": { "timeout": 0.5 } }""");

        Assert.Equal(TimeSpan.FromSeconds(5), config.Store.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(500), config.Counters.Timeout);
    }

    [Theory]
    [InlineData("""{ "store": { "timeout": "soon" } }""", "store.timeout", "is not a duration")]
    [InlineData("""{ "counters": { "timeout": "30d" } }""", "counters.timeout", "must not be longer than 24 days")]
    public void A_bad_timeout_is_an_error_naming_the_field(string json, string field, string message)
    {
        var error = Assert.Single(TestConfig.Errors(json), e => e.Field == field);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
