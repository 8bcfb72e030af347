namespace Gatehouse.Configuration.Tests;

public sealed class UpstreamOAuthTests
{
    private static UpstreamServerConfig Server(string entry, IReadOnlyDictionary<string, string>? environment = null) =>
        TestConfig.Parse($$"""{ "mcpServers": { "s": {{entry}} } }""", environment).McpServers["s"];

    private static ConfigError ServerError(string entry) =>
        TestConfig.SingleError($$"""{ "mcpServers": { "s": {{entry}} } }""");

    [Fact]
    public void Pre_registered_credentials_are_read_with_the_secret_from_the_environment()
    {
        var server = Server("""
            { "url": "https://mcp.example.com/mcp", "oauth": { "clientId": "gatehouse", "clientSecret": "${env:UPSTREAM_SECRET}", "authorizationServer": "https://as.example.com", "scopes": ["mcp:tools", "offline_access"] } }
            """, new Dictionary<string, string> { ["UPSTREAM_SECRET"] = "s3cret" });

        Assert.Equal("gatehouse", server.OAuth?.ClientId);
        Assert.Equal("s3cret", server.OAuth?.ClientSecret);
        Assert.Equal(new Uri("https://as.example.com"), server.OAuth?.AuthorizationServer);
        Assert.Equal(["mcp:tools", "offline_access"], server.OAuth?.Scopes);
    }

    [Fact]
    public void An_empty_oauth_object_means_dynamic_registration()
    {
        var oauth = Server("""{ "url": "https://mcp.example.com/mcp", "oauth": {} }""").OAuth;

        Assert.NotNull(oauth);
        Assert.Null(oauth.ClientId);
        Assert.Null(oauth.ClientMetadataUrl);
        Assert.Empty(oauth.Scopes);
        Assert.False(oauth.DefaultEndpoints);
    }

    [Fact]
    public void The_2025_03_26_default_endpoints_are_taken_only_when_asked_for()
    {
        var oauth = Server("""{ "url": "https://mcp.example.com/mcp", "oauth": { "defaultEndpoints": true } }""").OAuth;

        Assert.True(oauth?.DefaultEndpoints);
    }

    [Fact]
    public void Without_oauth_a_server_has_none()
    {
        Assert.Null(Server("""{ "url": "https://mcp.example.com/mcp" }""").OAuth);
    }

    [Fact]
    public void A_client_metadata_document_url_is_read()
    {
        var oauth = Server("""{ "url": "https://mcp.example.com/mcp", "oauth": { "clientMetadataUrl": "https://gatehouse.example.com/client.json" } }""").OAuth;

        Assert.Equal(new Uri("https://gatehouse.example.com/client.json"), oauth?.ClientMetadataUrl);
    }

    [Theory]
    [InlineData("""{ "clientMetadataUrl": "http://gatehouse.example.com/client.json" }""", "clientMetadataUrl", "https://")]
    [InlineData("""{ "clientMetadataUrl": "https://gatehouse.example.com" }""", "clientMetadataUrl", "with a path")]
    [InlineData("""{ "clientSecret": "x" }""", "clientSecret", "needs 'clientId'")]
    [InlineData("""{ "clientId": "" }""", "clientId", "register dynamically")]
    [InlineData("""{ "clientId": "gatehouse" }""", "clientId", "needs 'authorizationServer'")]
    [InlineData("""{ "clientId": "gatehouse", "authorizationServer": "as.example.com" }""", "authorizationServer", "not an issuer URL")]
    [InlineData("""{ "clientId": "gatehouse", "authorizationServer": "https://as.example.com/?tenant=1" }""", "authorizationServer", "not an issuer URL")]
    [InlineData("""{ "scopes": ["a b"] }""", "scopes[0]", "not an OAuth scope")]
    [InlineData("""{ "clientID": "x" }""", "clientID", "")]
    [InlineData("""{ "defaultEndpoints": "yes" }""", "defaultEndpoints", "true or false")]
    public void Mistakes_are_reported_at_their_field(string oauth, string field, string message)
    {
        var error = ServerError($$"""{ "url": "https://mcp.example.com/mcp", "oauth": {{oauth}} }""");

        Assert.Equal($"mcpServers.s.oauth.{field}", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stdio_server_cannot_have_oauth()
    {
        var error = ServerError("""{ "command": "x", "oauth": {} }""");

        Assert.Equal("mcpServers.s.oauth", error.Field);
    }
}
