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
