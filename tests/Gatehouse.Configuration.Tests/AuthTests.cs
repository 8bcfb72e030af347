namespace Gatehouse.Configuration.Tests;

public sealed class AuthTests
{
    private const string Path = "/etc/gatehouse/gatehouse.json";

    [Fact]
    public void Jwt_and_authorization_servers_are_read_with_secrets_from_the_environment()
    {
        var config = GatehouseConfigLoader.Parse("""
            {
              "auth": {
                "jwt": { "issuer": "https://idp.example.com/", "audience": "gatehouse", "signingKey": "${env:JWT_KEY}", "identityClaim": "email" },
                "authorizationServers": ["https://idp.example.com/"]
              }
            }
            """, Path, name => name == "JWT_KEY" ? new string('k', 32) : null);

        Assert.Equal("https://idp.example.com/", config.Auth.Jwt!.Issuer);
        Assert.Equal("gatehouse", config.Auth.Jwt.Audience);
        Assert.Equal(new string('k', 32), config.Auth.Jwt.SigningKey);
        Assert.Equal("email", config.Auth.Jwt.IdentityClaim);
        Assert.Equal("roles", config.Auth.Jwt.RolesClaim);
        Assert.Equal([new Uri("https://idp.example.com/")], config.Auth.AuthorizationServers);
    }

    [Fact]
    public void The_postgres_connection_string_takes_its_password_from_the_environment()
    {
        var config = GatehouseConfigLoader.Parse("""{ "store": { "postgres": "Host=db;Password=${env:PG_PASSWORD}" } }""", Path,
            name => name == "PG_PASSWORD" ? "s3cret" : null);

        Assert.Equal("Host=db;Password=s3cret", config.Store.Postgres);
    }

    [Theory]
    [InlineData("""{ "auth": { "jwt": { "audience": "a" } } }""", "auth.jwt.issuer")]
    [InlineData("""{ "auth": { "jwt": { "issuer": "i", "audience": "a", "signingKey": "short" } } }""", "auth.jwt.signingKey")]
    [InlineData("""{ "auth": { "jwt": { "issuer": "i", "audience": "a", "signingKey": "0123456789abcdef0123456789abcdef", "jwksUrl": "https://x/jwks" } } }""", "auth.jwt.signingKey")]
    [InlineData("""{ "auth": { "jwt": { "issuer": "i", "audience": "a", "jwksUrl": "ftp://x/jwks" } } }""", "auth.jwt.jwksUrl")]
    [InlineData("""{ "auth": { "authorizationServers": ["not a url"] } }""", "auth.authorizationServers[0]")]
    [InlineData("""{ "auth": { "jwt": { "issuer": "i", "audience": "a", "issuers": [] } } }""", "auth.jwt.issuers")]
    [InlineData("""{ "store": { "postgres": 5 } }""", "store.postgres")]
    [InlineData("""{ "store": { "postgress": "x" } }""", "store.postgress")]
    public void A_mistake_names_its_field(string json, string field)
    {
        var error = Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Parse(json, Path, _ => null));

        Assert.Contains(error.Errors, e => e.Field == field);
    }
}

public sealed class SecretFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gatehouse-secrets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_secret_comes_from_a_file_relative_to_the_configuration_without_its_line_break()
    {
        File.WriteAllText(Path.Combine(_directory, "api-key"), "s3cret-from-file\n");

        var config = GatehouseConfigLoader.Parse("""
            { "mcpServers": { "remote": { "url": "https://mcp.example.com/mcp", "headers": { "X-Api": "${file:api-key}", "X-Literal": "$${file:x}" } } } }
            """, Path.Combine(_directory, "gatehouse.json"), _ => null);

        Assert.Equal("s3cret-from-file", config.McpServers["remote"].Headers["X-Api"]);
        Assert.Equal("${file:x}", config.McpServers["remote"].Headers["X-Literal"]);
    }

    [Fact]
    public void A_missing_secret_file_is_an_error_that_names_the_file_and_field()
    {
        var error = Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Parse("""
            { "mcpServers": { "remote": { "url": "https://mcp.example.com/mcp", "headers": { "X-Api": "${file:missing}" } } } }
            """, Path.Combine(_directory, "gatehouse.json"), _ => null));

        var only = Assert.Single(error.Errors);
        Assert.Equal("mcpServers.remote.headers.X-Api", only.Field);
        Assert.Contains(Path.Combine(_directory, "missing"), only.Message);
    }
}

public sealed class CountersConfigTests
{
    [Fact]
    public void Redis_and_fail_open_are_read_with_the_password_from_the_environment()
    {
        var config = GatehouseConfigLoader.Parse("""{ "counters": { "redis": "redis:6379,password=${env:REDIS_PASSWORD}", "failOpen": true } }""",
            "/etc/gatehouse/gatehouse.json", name => name == "REDIS_PASSWORD" ? "pw" : null);

        Assert.Equal("redis:6379,password=pw", config.Counters.Redis);
        Assert.True(config.Counters.FailOpen);
    }

    [Theory]
    [InlineData("""{ "counters": { "failOpen": "yes" } }""", "counters.failOpen")]
    [InlineData("""{ "counters": { "redis": 6379 } }""", "counters.redis")]
    [InlineData("""{ "counters": { "reddis": "x" } }""", "counters.reddis")]
    public void A_mistake_names_its_field(string json, string field)
    {
        var error = Assert.Throws<ConfigurationException>(() => GatehouseConfigLoader.Parse(json, "/etc/gatehouse/gatehouse.json", _ => null));

        Assert.Contains(error.Errors, e => e.Field == field);
    }
}
