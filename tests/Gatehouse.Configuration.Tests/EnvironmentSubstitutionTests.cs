namespace Gatehouse.Configuration.Tests;

public sealed class EnvironmentSubstitutionTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["BIN"] = "/opt/bin",
        ["TOKEN"] = "t0k",
        ["HOST"] = "mcp.example.com",
        ["EMPTY"] = "",
    };

    [Fact]
    public void References_are_replaced_in_every_field_that_takes_them()
    {
        var config = TestConfig.Parse("""
            {
              "mcpServers": {
                "local": {
                  "command": "${env:BIN}/server",
                  "args": ["--token=${env:TOKEN}", "${env:EMPTY}"],
                  "env": { "API_TOKEN": "${env:TOKEN}", "BOTH": "${env:BIN}:${env:TOKEN}" },
                  "cwd": "${env:BIN}/work"
                },
                "remote": {
                  "url": "https://${env:HOST}/mcp",
                  "headers": { "Authorization": "Bearer ${env:TOKEN}" }
                }
              }
            }
            """, Environment);

        var local = config.McpServers["local"];
        Assert.Equal("/opt/bin/server", local.Command);
        Assert.Equal(["--token=t0k", ""], local.Args);
        Assert.Equal("t0k", local.Env["API_TOKEN"]);
        Assert.Equal("/opt/bin:t0k", local.Env["BOTH"]);
        Assert.Equal(Path.GetFullPath("/opt/bin/work"), local.Cwd);

        var remote = config.McpServers["remote"];
        Assert.Equal(new Uri("https://mcp.example.com/mcp"), remote.Url);
        Assert.Equal("Bearer t0k", remote.Headers["Authorization"]);
    }

    [Fact]
    public void A_missing_variable_is_an_error_naming_the_variable_and_the_field()
    {
        var errors = TestConfig.Errors("""
            {
              "mcpServers": {
                "s": { "command": "x", "env": { "A": "${env:NOPE}" }, "args": ["${env:ALSO_NOPE}-${env:NOR_THIS}"] }
              }
            }
            """, Environment);

        Assert.Equal(
            [
                (3, 42, "mcpServers.s.env.A", "environment variable 'NOPE' is not set"),
                (3, 68, "mcpServers.s.args[0]", "environment variable 'ALSO_NOPE' is not set"),
                (3, 68, "mcpServers.s.args[0]", "environment variable 'NOR_THIS' is not set"),
            ],
            errors.Select(e => (e.Line, e.Column, e.Field, e.Message)));
    }

    [Fact]
    public void A_doubled_dollar_writes_a_literal_reference()
    {
        var server = TestConfig.Parse("""{ "mcpServers": { "s": { "command": "x", "args": ["$${env:TOKEN}", "$$${env:TOKEN}"] } } }""", Environment)
            .McpServers["s"];

        Assert.Equal(["${env:TOKEN}", "$${env:TOKEN}"], server.Args);
    }

    [Fact]
    public void Other_dollar_signs_pass_through_untouched()
    {
        var server = TestConfig.Parse("""{ "mcpServers": { "s": { "command": "x", "args": ["$HOME", "$$", "${workspaceFolder}", "${env"] } } }""", Environment)
            .McpServers["s"];

        Assert.Equal(["$HOME", "$$", "${workspaceFolder}", "${env"], server.Args);
    }

    [Theory]
    [InlineData("${env:TOKEN", "'${env:' has no closing '}'")]
    [InlineData("${env:}", "'${env:}' names no environment variable")]
    public void A_malformed_reference_is_refused(string value, string message)
    {
        var error = TestConfig.SingleError($$"""{ "mcpServers": { "s": { "command": "{{value}}" } } }""", Environment);

        Assert.Equal(("mcpServers.s.command", message), (error.Field, error.Message));
    }

    [Fact]
    public void References_are_not_expanded_outside_server_entries()
    {
        var config = TestConfig.Parse("""{ "auth": { "anonymous": "${env:TOKEN}" } }""", Environment);

        Assert.Equal("${env:TOKEN}", config.Auth.Anonymous);
    }

    [Fact]
    public void A_bad_url_error_shows_the_text_as_written_not_the_secret()
    {
        var error = TestConfig.SingleError("""{ "mcpServers": { "s": { "url": "${env:TOKEN}" } } }""", Environment);

        Assert.Equal("'${env:TOKEN}' is not an absolute http:// or https:// URL", error.Message);
    }

    [Fact]
    public void The_process_environment_is_used_when_no_lookup_is_given()
    {
        var name = "GATEHOUSE_CONFIG_TEST_" + Guid.NewGuid().ToString("N");
        System.Environment.SetEnvironmentVariable(name, "from-process");
        try
        {
            var config = GatehouseConfigLoader.Parse(
                $$"""{ "mcpServers": { "s": { "command": "${env:{{name}}}" } } }""", TestConfig.FilePath);

            Assert.Equal("from-process", config.McpServers["s"].Command);
        }
        finally
        {
            System.Environment.SetEnvironmentVariable(name, null);
        }
    }
}
