namespace Gatehouse.Configuration.Tests;

public sealed class ServerEntryTests
{
    private static UpstreamServerConfig Server(string entry) =>
        TestConfig.Parse($$"""{ "mcpServers": { "s": {{entry}} } }""").McpServers["s"];

    private static ConfigError ServerError(string entry) =>
        TestConfig.SingleError($$"""{ "mcpServers": { "s": {{entry}} } }""");

    [Fact]
    public void Gateway_extras_are_read()
    {
        var server = Server("""
            { "command": "x", "allowUnknownMethods": true, "maxSessions": 5, "maxSessionsPerIdentity": 2, "idleTimeout": "90s", "callTimeout": 30, "disabled": true }
            """);

        Assert.True(server.AllowUnknownMethods);
        Assert.Equal(5, server.MaxSessions);
        Assert.Equal(2, server.MaxSessionsPerIdentity);
        Assert.Equal(TimeSpan.FromSeconds(90), server.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), server.CallTimeout);
        Assert.True(server.Disabled);
    }

    [Theory]
    [InlineData("""{ "command": "x", "pool": { "min": 2, "max": 8 } }""", 2, 8)]
    [InlineData("""{ "command": "x", "pool": {} }""", 1, 4)]
    [InlineData("""{ "command": "x", "pool": { "min": 0 } }""", 0, 4)]
    [InlineData("""{ "command": "x", "pool": { "min": 6 } }""", 6, 6)]
    [InlineData("""{ "command": "x", "pool": { "sessions": true } }""", 1, 4, true)]
    public void A_pool_is_read_with_its_defaults(string entry, int min, int max, bool sessions = false)
    {
        Assert.Equal(new ProcessPoolConfig(min, max, sessions), Server(entry).Pool);
    }

    [Fact]
    public void Without_a_pool_a_stdio_server_has_none()
    {
        Assert.Null(Server("""{ "command": "x" }""").Pool);
    }

    [Theory]
    [InlineData("""{ "command": "x", "pool": { "min": 3, "max": 2 } }""", "mcpServers.s.pool.min", "must not exceed max (2)")]
    [InlineData("""{ "command": "x", "pool": { "max": 0 } }""", "mcpServers.s.pool.max", "must be a whole number from 1 to 64, not 0")]
    [InlineData("""{ "command": "x", "pool": { "min": -1 } }""", "mcpServers.s.pool.min", "must be a whole number from 0 to 64, not -1")]
    [InlineData("""{ "command": "x", "pool": { "max": 65 } }""", "mcpServers.s.pool.max", "must be a whole number from 1 to 64, not 65")]
    [InlineData("""{ "url": "https://h", "pool": {} }""", "mcpServers.s.pool", "applies only to servers launched by 'command'")]
    public void A_pool_that_cannot_work_is_an_error(string entry, string path, string message)
    {
        var error = ServerError(entry);

        Assert.Equal(path, error.Field);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_disabled_server_can_still_be_granted()
    {
        var config = TestConfig.Parse("""
            {
              "mcpServers": { "s": { "command": "x", "disabled": true } },
              "grants": [ { "id": "g", "server": "s", "identities": ["a"], "policy": "p.json" } ]
            }
            """);

        Assert.True(config.McpServers["s"].Disabled);
        Assert.Single(config.Grants);
    }

    [Theory]
    [InlineData("""{ "url": "https://h/mcp" }""", UpstreamTransport.AutoDetect)]
    [InlineData("""{ "url": "https://h/mcp", "transport": "sse" }""", UpstreamTransport.Sse)]
    [InlineData("""{ "url": "https://h/mcp", "type": "http" }""", UpstreamTransport.AutoDetect)]
    [InlineData("""{ "url": "https://h/mcp", "type": "http", "transport": "sse" }""", UpstreamTransport.Sse)]
    [InlineData("""{ "url": "https://h/mcp", "type": "sse" }""", UpstreamTransport.Sse)]
    [InlineData("""{ "url": "https://h/mcp", "type": "streamable-http" }""", UpstreamTransport.StreamableHttp)]
    [InlineData("""{ "url": "https://h/mcp", "type": "sse", "transport": "sse" }""", UpstreamTransport.Sse)]
    public void The_transport_follows_transport_or_type(string entry, UpstreamTransport expected)
    {
        var server = Server(entry);

        Assert.Equal(UpstreamKind.Http, server.Kind);
        Assert.Equal(expected, server.Transport);
    }

    [Fact]
    public void Vs_code_stdio_entries_load()
    {
        var server = Server("""{ "type": "stdio", "command": "npx", "args": ["-y", "pkg"], "env": { "A": "1" } }""");

        Assert.Equal(UpstreamKind.Stdio, server.Kind);
        Assert.Equal(["-y", "pkg"], server.Args);
    }

    [Theory]
    [InlineData("""{ "type": "sse", "command": "x" }""", "mcpServers.s.type", "'sse' contradicts 'command'")]
    [InlineData("""{ "type": "stdio", "url": "https://h" }""", "mcpServers.s.type", "'stdio' contradicts 'url'")]
    [InlineData("""{ "type": "websocket", "url": "https://h" }""", "mcpServers.s.type", "must be one of: stdio, http, streamable-http, sse")]
    [InlineData("""{ "type": "sse", "url": "https://h", "transport": "streamable-http" }""", "mcpServers.s.transport", "'streamable-http' contradicts type 'sse'")]
    [InlineData("""{ "url": "https://h", "transport": "ws" }""", "mcpServers.s.transport", "must be one of: streamable-http, sse")]
    [InlineData("""{ "command": "x", "transport": "sse" }""", "mcpServers.s.transport", "applies only to servers reached by 'url'")]
    [InlineData("""{ "command": "x", "headers": {} }""", "mcpServers.s.headers", "applies only to servers reached by 'url'")]
    [InlineData("""{ "url": "https://h", "args": [] }""", "mcpServers.s.args", "applies only to servers launched by 'command'")]
    [InlineData("""{ "url": "https://h", "env": {} }""", "mcpServers.s.env", "applies only to servers launched by 'command'")]
    [InlineData("""{ "url": "https://h", "cwd": "." }""", "mcpServers.s.cwd", "applies only to servers launched by 'command'")]
    [InlineData("""{ "command": "" }""", "mcpServers.s.command", "must not be empty")]
    [InlineData("""{ "command": "x", "cwd": "" }""", "mcpServers.s.cwd", "must be a directory path")]
    [InlineData("""{ "command": "x", "args": ["a", 1] }""", "mcpServers.s.args[1]", "expected a string, found a number")]
    [InlineData("""{ "command": "x", "env": { "A": 1 } }""", "mcpServers.s.env.A", "expected a string, found a number")]
    [InlineData("""{ "command": "x", "env": { "A=B": "1" } }""", "mcpServers.s.env.A=B", "an environment variable name must be non-empty and contain no '=' or NUL")]
    [InlineData("""{ "url": "https://h", "headers": { "X-A": "1", "x-a": "2" } }""", "mcpServers.s.headers.x-a", "repeats a header name (header names ignore case)")]
    [InlineData("""{ "url": "https://h", "headers": { "Bad Name": "1" } }""", "mcpServers.s.headers.Bad Name", "is not a valid HTTP header name")]
    [InlineData("""{ "url": "https://h", "headers": { "X-A": "1\r\nX-B: 2" } }""", "mcpServers.s.headers.X-A", "a header value must not contain CR, LF or NUL")]
    [InlineData("""{ "command": "x", "disabled": "yes" }""", "mcpServers.s.disabled", "expected true or false, found a string")]
    [InlineData("""{ "command": "x", "allowUnknownMethods": 1 }""", "mcpServers.s.allowUnknownMethods", "expected true or false, found a number")]
    [InlineData("""{ "command": "x", "maxSessions": 0 }""", "mcpServers.s.maxSessions", "must be a whole number from 1 to 2147483647, not 0")]
    [InlineData("""{ "command": "x", "maxSessions": 1.5 }""", "mcpServers.s.maxSessions", "must be a whole number from 1 to 2147483647, not 1.5")]
    [InlineData("""{ "command": "x", "maxSessions": 99999999999 }""", "mcpServers.s.maxSessions", "must be a whole number from 1 to 2147483647, not 99999999999")]
    [InlineData("""{ "command": "x", "maxSessions": "5" }""", "mcpServers.s.maxSessions", "expected a number, found a string")]
    [InlineData("""{ "command": ["x"] }""", "mcpServers.s.command", "expected a string, found an array")]
    [InlineData("""{ "command": "x", "callTimeout": "60d" }""", "mcpServers.s.callTimeout", "must not be longer than 24 days, the longest a timer waits")]
    [InlineData("""{ "command": "x", "idleTimeout": "25d" }""", "mcpServers.s.idleTimeout", "must not be longer than 24 days, the longest a timer waits")]
    public void A_bad_entry_names_the_field(string entry, string field, string message)
    {
        var error = ServerError(entry);

        Assert.Equal(field, error.Field);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("\"10x\"")]
    [InlineData("\"-5s\"")]
    [InlineData("\"1.5s\"")]
    [InlineData("\"90\"")]
    [InlineData("\"\"")]
    [InlineData("0")]
    [InlineData("\"0s\"")]
    [InlineData("-1")]
    [InlineData("true")]
    [InlineData("\"99999999999999d\"")]
    public void A_bad_duration_is_refused(string duration)
    {
        var error = ServerError($$"""{ "command": "x", "idleTimeout": {{duration}} }""");

        Assert.Equal("mcpServers.s.idleTimeout", error.Field);
    }

    [Theory]
    [InlineData("ftp://h/mcp")]
    [InlineData("/relative/mcp")]
    [InlineData("not a url")]
    [InlineData("file:///tmp/x")]
    public void A_bad_url_is_refused(string url)
    {
        var error = ServerError($$"""{ "url": "{{url}}" }""");

        Assert.Equal("mcpServers.s.url", error.Field);
        Assert.Equal($"'{url}' is not an absolute http:// or https:// URL", error.Message);
    }

    [Fact]
    public void Both_command_and_url_is_refused_at_the_entry()
    {
        var error = ServerError("""{ "command": "x", "url": "https://h" }""");

        Assert.Equal("mcpServers.s", error.Field);
        Assert.Equal((1, 24), (error.Line, error.Column));
        Assert.StartsWith("has both 'command' and 'url'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Neither_command_nor_url_is_refused_at_the_entry()
    {
        var error = ServerError("""{ "args": [] }""");

        Assert.Equal("mcpServers.s", error.Field);
        Assert.StartsWith("needs 'command'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("-lead")]
    [InlineData("has space")]
    [InlineData("x\n")]
    public void A_server_name_that_cannot_be_a_url_segment_is_refused(string name)
    {
        var json = $$"""{ "mcpServers": { {{System.Text.Json.JsonSerializer.Serialize(name)}}: { "command": "x" } } }""";

        var error = TestConfig.SingleError(json);

        Assert.Equal($"mcpServers.{name}", error.Field);
        Assert.StartsWith("server name must be 1 to 64 letters", error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 19), (error.Line, error.Column));
    }

    [Fact]
    public void An_empty_server_name_is_refused()
    {
        var error = TestConfig.SingleError("""{ "mcpServers": { "": { "command": "x" } } }""");

        Assert.Equal("server name must not be empty", error.Message);
    }

    [Fact]
    public void A_64_character_name_is_the_longest_accepted()
    {
        var longest = new string('a', 64);

        Assert.Contains(longest, TestConfig.Parse($$"""{ "mcpServers": { "{{longest}}": { "command": "x" } } }""").McpServers.Keys);
        TestConfig.SingleError($$"""{ "mcpServers": { "{{longest}}a": { "command": "x" } } }""");
    }
}
