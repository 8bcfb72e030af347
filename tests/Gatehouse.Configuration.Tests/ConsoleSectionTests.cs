namespace Gatehouse.Configuration.Tests;

public sealed class ConsoleSectionTests
{
    private const string Jwt = """ "auth": { "jwt": { "issuer": "https://idp.example.com/", "audience": "gatehouse" } } """;

    [Fact]
    public void The_console_is_beside_the_gateway_and_signs_in_with_keys_only_by_default()
    {
        var config = TestConfig.Parse("{}");

        Assert.Null(config.Console.Listen);
        Assert.Null(config.Console.Oidc);
    }

    [Fact]
    public void Its_own_address_and_its_client_registration_are_read_with_the_secret_from_the_environment()
    {
        var config = TestConfig.Parse($$"""
            { {{Jwt}},
              "console": {
                "listen": "http://127.0.0.1:8081",
                "oidc": { "clientId": "gatehouse-console", "clientSecret": "${env:CONSOLE_SECRET}", "scopes": ["profile", "email"], "displayName": "Acme SSO" }
              } }
            """, new Dictionary<string, string> { ["CONSOLE_SECRET"] = "s3cret" });

        Assert.Equal("http://127.0.0.1:8081", config.Console.Listen);
        var oidc = config.Console.Oidc!;
        Assert.Equal("gatehouse-console", oidc.ClientId);
        Assert.Equal("s3cret", oidc.ClientSecret);
        Assert.Equal(["openid", "profile", "email"], oidc.Scopes);
        Assert.Equal("Acme SSO", oidc.DisplayName);
    }

    [Fact]
    public void A_public_client_needs_no_secret_and_asks_for_the_default_scopes()
    {
        var oidc = TestConfig.Parse($$"""{ {{Jwt}}, "console": { "oidc": { "clientId": "c" } } }""").Console.Oidc!;

        Assert.Null(oidc.ClientSecret);
        Assert.Equal(["openid", "profile"], oidc.Scopes);
    }

    [Fact]
    public void A_provider_on_loopback_may_be_reached_over_http()
    {
        var config = TestConfig.Parse("""
            { "auth": { "jwt": { "issuer": "http://127.0.0.1:5001/", "audience": "gatehouse" } }, "console": { "oidc": { "clientId": "c" } } }
            """);

        Assert.Equal("c", config.Console.Oidc!.ClientId);
    }

    [Fact]
    public void Signing_in_with_a_provider_needs_auth_jwt()
    {
        var error = TestConfig.SingleError("""{ "console": { "oidc": { "clientId": "c" } } }""");

        Assert.Equal("console.oidc", error.Field);
        Assert.Contains("needs auth.jwt", error.Message);
    }

    [Fact]
    public void A_provider_elsewhere_must_be_reached_over_https()
    {
        var error = TestConfig.SingleError("""
            { "auth": { "jwt": { "issuer": "http://idp.example.com/", "audience": "gatehouse" } }, "console": { "oidc": { "clientId": "c" } } }
            """);

        Assert.Equal("console.oidc", error.Field);
        Assert.Contains("https://", error.Message);
    }

    [Theory]
    [InlineData("""{ "oidc": { } }""", "console.oidc.clientId", "is required")]
    [InlineData("""{ "oidc": { "clientId": "c", "clientSecrets": "x" } }""", "console.oidc.clientSecrets", "did you mean 'clientSecret'?")]
    [InlineData("""{ "oidc": { "clientId": "c", "scopes": ["two words"] } }""", "console.oidc.scopes[0]", "not a scope")]
    [InlineData("""{ "oidc": { "clientId": "c", "clientSecret": "${env:MISSING}" } }""", "console.oidc.clientSecret", "MISSING")]
    [InlineData("""{ "listn": "http://127.0.0.1:8081" }""", "console.listn", "did you mean 'listen'?")]
    [InlineData("""{ "listen": "127.0.0.1:8081" }""", "console.listen", "not an absolute http:// or https:// URL")]
    public void A_mistake_names_its_field_line_and_column(string console, string field, string message)
    {
        var error = TestConfig.SingleError($$"""
            { {{Jwt}},
              "console": {{console}} }
            """);

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
        Assert.Equal(2, error.Line);
        Assert.True(error.Column > 1);
    }
}
