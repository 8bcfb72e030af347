namespace Gatehouse.Configuration.Tests;

public sealed class GrantScopesTests
{
    private static string Grant(string scopes) => TestConfig.WithServer($$"""
        "grants": [ { "id": "g", "server": "s", "identities": ["a"], "policy": "p.json", "scopes": {{scopes}} } ]
        """);

    [Fact]
    public void A_grant_names_the_scopes_a_token_must_carry()
    {
        var config = TestConfig.Parse(Grant("""["listmonk:read", "https://example.com/mail.send"]"""));

        Assert.Equal(["listmonk:read", "https://example.com/mail.send"], Assert.Single(config.Grants).Scopes);
    }

    [Fact]
    public void A_grant_without_scopes_needs_none()
    {
        var config = TestConfig.Parse(TestConfig.WithServer("""
            "grants": [ { "id": "g", "server": "s", "identities": ["a"], "policy": "p.json" } ]
            """));

        Assert.Empty(Assert.Single(config.Grants).Scopes);
    }

    [Theory]
    [InlineData("""["listmonk read"]""", "grants[0].scopes[0]", "printable ASCII without spaces")]
    [InlineData("""["listmonk:\"read\""]""", "grants[0].scopes[0]", "printable ASCII without spaces")]
    [InlineData("""["lecture-été"]""", "grants[0].scopes[0]", "RFC 6749")]
    [InlineData("""[""]""", "grants[0].scopes[0]", "printable ASCII")]
    [InlineData("""["a", "a"]""", "grants[0].scopes[1]", "listed twice")]
    [InlineData("\"listmonk:read\"", "grants[0].scopes", "array")]
    [InlineData("[7]", "grants[0].scopes[0]", "string")]
    public void A_mistaken_scope_names_its_field(string scopes, string field, string message)
    {
        var error = Assert.Single(TestConfig.Errors(Grant(scopes)), e => e.Field == field);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
