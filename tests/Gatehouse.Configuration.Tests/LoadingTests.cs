namespace Gatehouse.Configuration.Tests;

public sealed class LoadingTests
{
    /// <summary>The example in DESIGN.md, verbatim: the contract users and docs rely on.</summary>
    private const string DesignExample = """
        {
          "listen": "http://127.0.0.1:8080",
          "dataDir": "./data",
          "mcpServers": {
            "listmonk": { "command": "listmonk-mcp", "args": [], "env": { "LISTMONK_MCP_URL": "http://localhost:9000" } },
            "remote":   { "url": "https://mcp.example.com/mcp", "transport": "streamable-http", "headers": { "X-Api": "${env:REMOTE_KEY}" } }
          },
          "grants": [
            { "id": "marketing", "server": "listmonk", "identities": ["marketing-agent"], "policy": "policies/marketing.json" }
          ],
          "auth": { "anonymous": null }
        }
        """;

    [Fact]
    public void The_design_example_loads()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("gatehouse.json", DesignExample);

        var config = GatehouseConfigLoader.Load(path, name => name == "REMOTE_KEY" ? "secret" : null);

        Assert.Equal(path, config.ConfigPath);
        Assert.Equal("http://127.0.0.1:8080", config.Listen);
        Assert.True(config.ListenIsLoopback);
        Assert.Equal(Path.Combine(dir.Path, "data"), config.DataDir);
        Assert.Equal(["listmonk", "remote"], config.McpServers.Keys.Order());

        var listmonk = config.McpServers["listmonk"];
        Assert.Equal(UpstreamKind.Stdio, listmonk.Kind);
        Assert.Equal("listmonk-mcp", listmonk.Command);
        Assert.Empty(listmonk.Args);
        Assert.Equal("http://localhost:9000", listmonk.Env["LISTMONK_MCP_URL"]);
        Assert.Null(listmonk.Url);

        var remote = config.McpServers["remote"];
        Assert.Equal(UpstreamKind.Http, remote.Kind);
        Assert.Equal(new Uri("https://mcp.example.com/mcp"), remote.Url);
        Assert.Equal(UpstreamTransport.StreamableHttp, remote.Transport);
        Assert.Equal("secret", remote.Headers["x-api"]);
        Assert.Null(remote.Command);

        var grant = Assert.Single(config.Grants);
        Assert.Equal("marketing", grant.Id);
        Assert.Equal("listmonk", grant.Server);
        Assert.Equal(["marketing-agent"], grant.Identities);
        Assert.Equal(Path.Combine(dir.Path, "policies", "marketing.json"), grant.PolicyPath);
        Assert.Null(config.Auth.Anonymous);
    }

    [Fact]
    public void An_empty_object_gets_every_default()
    {
        var config = TestConfig.Parse("{}");

        Assert.Equal(TestConfig.FilePath, config.ConfigPath);
        Assert.Equal(GatehouseConfig.DefaultListen, config.Listen);
        Assert.Equal(Path.Combine(TestConfig.Directory, "data"), config.DataDir);
        Assert.Empty(config.McpServers);
        Assert.Empty(config.Grants);
        Assert.Null(config.Auth.Anonymous);
        Assert.Empty(config.Http.AllowedOrigins);
        Assert.Empty(config.Http.AllowedHosts);
    }

    [Fact]
    public void A_server_entry_gets_the_gateway_defaults()
    {
        var server = TestConfig.Parse("""{ "mcpServers": { "s": { "command": "x" } } }""").McpServers["s"];

        Assert.Equal("s", server.Name);
        Assert.Empty(server.Args);
        Assert.Empty(server.Env);
        Assert.Null(server.Cwd);
        Assert.False(server.AllowUnknownMethods);
        Assert.Equal(64, server.MaxSessions);
        Assert.Equal(TimeSpan.FromMinutes(10), server.IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), server.CallTimeout);
        Assert.False(server.Disabled);
        Assert.Equal(UpstreamTransport.AutoDetect, server.Transport);
    }

    [Fact]
    public void Relative_paths_are_resolved_against_the_config_file_not_the_working_directory()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("conf/gatehouse.json", """
            {
              "dataDir": "../state",
              "mcpServers": { "s": { "command": "x", "cwd": "work" } },
              "grants": [ { "id": "g", "server": "s", "identities": ["a"], "policy": "p/policy.json" } ]
            }
            """);

        var config = GatehouseConfigLoader.Load(Path.GetRelativePath(Environment.CurrentDirectory, path));

        Assert.Equal(path, config.ConfigPath);
        Assert.Equal(Path.Combine(dir.Path, "state"), config.DataDir);
        Assert.Equal(Path.Combine(dir.Path, "conf", "work"), config.McpServers["s"].Cwd);
        Assert.Equal(Path.Combine(dir.Path, "conf", "p", "policy.json"), config.Grants[0].PolicyPath);
    }

    [Fact]
    public void Absolute_paths_are_kept()
    {
        var elsewhere = Path.Combine(Path.GetTempPath(), "elsewhere");
        var json = $$"""{ "dataDir": {{System.Text.Json.JsonSerializer.Serialize(elsewhere)}} }""";

        Assert.Equal(elsewhere, TestConfig.Parse(json).DataDir);
    }

    [Fact]
    public void Comments_trailing_commas_a_byte_order_mark_and_schema_are_accepted()
    {
        using var dir = new TempDirectory();
        var text = """
            {
              "$schema": "https://example.com/gatehouse.schema.json",
              // where agents connect
              "listen": "http://localhost:9090", /* trailing comma next */
              "mcpServers": { "s": { "command": "x", "args": ["a", "b",], }, },
            }
            """;
        var path = dir.Write("gatehouse.json", [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(text)]);

        var config = GatehouseConfigLoader.Load(path);

        Assert.Equal("http://localhost:9090", config.Listen);
        Assert.Equal(["a", "b"], config.McpServers["s"].Args);
    }

    [Fact]
    public void Null_reads_as_absent()
    {
        var config = TestConfig.Parse("""{ "listen": null, "mcpServers": { "s": { "command": "x", "url": null, "env": null } } }""");

        Assert.Equal(GatehouseConfig.DefaultListen, config.Listen);
        Assert.Equal(UpstreamKind.Stdio, config.McpServers["s"].Kind);
    }

    [Fact]
    public void Auth_and_http_sections_are_read()
    {
        var config = TestConfig.Parse("""
            {
              "auth": { "anonymous": "laptop" },
              "http": { "allowedOrigins": ["https://App.example.com"], "allowedHosts": ["gatehouse.example.com", "10.0.0.5:8080", "[::1]:80"] }
            }
            """);

        Assert.Equal("laptop", config.Auth.Anonymous);
        Assert.Equal(["https://app.example.com"], config.Http.AllowedOrigins);
        Assert.Equal(["gatehouse.example.com", "10.0.0.5:8080", "[::1]:80"], config.Http.AllowedHosts);
    }
}
