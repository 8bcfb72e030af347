namespace Gatehouse.Configuration.Tests;

public sealed class GrantTests
{
    private static IReadOnlyList<ConfigError> GrantErrors(string grants) => TestConfig.Errors($$"""
        {
          "mcpServers": { "listmonk": { "command": "x" }, "github": { "command": "y" } },
          "grants": [
            {{grants}}
          ]
        }
        """);

    [Fact]
    public void A_grant_naming_an_unknown_server_is_refused_with_a_suggestion()
    {
        var error = Assert.Single(GrantErrors("""{ "id": "g", "server": "listmonkk", "identities": ["a"], "policy": "p.json" }"""));

        Assert.Equal("grants[0].server", error.Field);
        Assert.Equal((4, 28), (error.Line, error.Column));
        Assert.Equal("unknown server 'listmonkk'; it must be a key of mcpServers; did you mean 'listmonk'?", error.Message);
    }

    [Fact]
    public void A_grant_may_name_a_server_whose_entry_has_errors_without_a_second_error()
    {
        var errors = TestConfig.Errors("""
            {
              "mcpServers": { "s": { "command": "x", "url": "https://h" } },
              "grants": [ { "id": "g", "server": "s", "identities": ["a"], "policy": "p.json" } ]
            }
            """);

        Assert.Equal("mcpServers.s", Assert.Single(errors).Field);
    }

    [Fact]
    public void Duplicate_grant_ids_are_refused_at_the_second()
    {
        var error = Assert.Single(GrantErrors("""
            { "id": "g", "server": "listmonk", "identities": ["a"], "policy": "p.json" },
                { "id": "g", "server": "github", "identities": ["a"], "policy": "p.json" }
            """));

        Assert.Equal("grants[1].id", error.Field);
        Assert.Equal((5, 13), (error.Line, error.Column));
        Assert.Equal("duplicate grant id 'g' (first at line 4, column 13)", error.Message);
    }

    [Fact]
    public void An_identity_has_at_most_one_grant_per_server()
    {
        var error = Assert.Single(GrantErrors("""
            { "id": "g1", "server": "listmonk", "identities": ["a", "b"], "policy": "p.json" },
                { "id": "g2", "server": "listmonk", "identities": ["c", "b"], "policy": "p.json" }
            """));

        Assert.Equal("grants[1].identities[1]", error.Field);
        Assert.Equal("'b' already has grant 'g1' on server 'listmonk'; an identity has one policy per server", error.Message);
    }

    [Fact]
    public void The_same_identity_may_hold_grants_on_different_servers()
    {
        var config = TestConfig.Parse("""
            {
              "mcpServers": { "a": { "command": "x" }, "b": { "command": "y" } },
              "grants": [
                { "id": "g1", "server": "a", "identities": ["agent"], "policy": "p.json" },
                { "id": "g2", "server": "b", "identities": ["agent"], "policy": "q.json" }
              ]
            }
            """);

        Assert.Equal(["g1", "g2"], config.Grants.Select(g => g.Id));
    }

    [Fact]
    public void Missing_grant_fields_are_each_reported_at_the_grant()
    {
        var errors = GrantErrors("{ }");

        Assert.Equal(["grants[0].id", "grants[0].server", "grants[0].identities", "grants[0].policy"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal((4, 5, "is required"), (e.Line, e.Column, e.Message)));
    }

    [Theory]
    [InlineData("""{ "id": "bad id", "server": "github", "identities": ["a"], "policy": "p.json" }""", "grants[0].id")]
    [InlineData("""{ "id": "g", "server": "github", "identities": [], "policy": "p.json" }""", "grants[0].identities")]
    [InlineData("""{ "id": "g", "server": "github", "identities": ["a", ""], "policy": "p.json" }""", "grants[0].identities[1]")]
    [InlineData("""{ "id": "g", "server": "github", "identities": ["a", "a"], "policy": "p.json" }""", "grants[0].identities[1]")]
    [InlineData("""{ "id": "g", "server": "github", "identities": "a", "policy": "p.json" }""", "grants[0].identities")]
    [InlineData("""{ "id": "g", "server": "github", "identities": ["a"], "policy": "" }""", "grants[0].policy")]
    [InlineData("""{ "id": "g", "server": "github", "identities": ["a"], "policy": "p.json", "polcy": "q" }""", "grants[0].polcy")]
    [InlineData("\"g\"", "grants[0]")]
    public void A_bad_grant_names_the_field(string grant, string field)
    {
        Assert.Equal(field, Assert.Single(GrantErrors(grant)).Field);
    }
}
