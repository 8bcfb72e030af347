namespace Gatehouse.Configuration.Tests;

public sealed class ErrorReportingTests
{
    [Fact]
    public void Every_error_in_the_file_is_reported_in_file_order_with_its_position()
    {
        var errors = TestConfig.Errors("""
            {
              "listen": "ftp://x",
              "mcpServers": {
                "a": { "comand": "x" },
                "b": { "url": "https://h", "idleTimeout": "soon" }
              },
              "grants": [
                { "id": "g", "server": "c", "identities": ["i"], "policy": "p.json" }
              ],
              "auth": { "anonymous": "" }
            }
            """);

        Assert.Equal(
            [
                (2, 13, "listen"),
                (4, 10, "mcpServers.a"),
                (4, 12, "mcpServers.a.comand"),
                (5, 47, "mcpServers.b.idleTimeout"),
                (8, 28, "grants[0].server"),
                (10, 26, "auth.anonymous"),
            ],
            errors.Select(e => (e.Line, e.Column, e.Field)));
        Assert.All(errors, e => Assert.Equal(TestConfig.FilePath, e.File));
    }

    [Fact]
    public void The_exception_message_lists_every_error_as_file_line_column_field_message()
    {
        var exception = Assert.Throws<ConfigurationException>(() => TestConfig.Parse("""
            {
              "listen": 1,
              "dataDir": ""
            }
            """));

        Assert.Equal(
            [
                $"{TestConfig.FilePath}:2:13: listen: expected a string, found a number",
                $"{TestConfig.FilePath}:3:14: dataDir: must not be empty",
            ],
            exception.Message.Split(Environment.NewLine));
    }

    [Fact]
    public void An_unknown_field_suggests_the_closest_known_one()
    {
        var error = TestConfig.SingleError("""{ "mcpServers": { "s": { "command": "x", "maxSesions": 3 } } }""");

        Assert.Equal("mcpServers.s.maxSesions", error.Field);
        Assert.Equal("unknown field; did you mean 'maxSessions'?", error.Message);
        Assert.Equal((1, 42), (error.Line, error.Column));
    }

    [Fact]
    public void An_unknown_field_differing_only_in_case_is_suggested()
    {
        Assert.Equal("unknown field; did you mean 'dataDir'?", TestConfig.SingleError("""{ "DataDir": "x" }""").Message);
    }

    [Fact]
    public void An_unknown_field_far_from_any_known_one_lists_them()
    {
        var error = TestConfig.SingleError("""{ "auth": { "apiKeys": [] } }""");

        Assert.Equal("auth.apiKeys", error.Field);
        Assert.Equal("unknown field; expected one of: anonymous, jwt, authorizationServers", error.Message);
    }

    [Fact]
    public void A_duplicate_key_is_reported_at_the_second_occurrence()
    {
        var error = TestConfig.SingleError("""
            {
              "mcpServers": {
                "s": { "command": "x" },
                "s": { "command": "y" }
              }
            }
            """);

        Assert.Equal("mcpServers.s", error.Field);
        Assert.Equal((4, 5), (error.Line, error.Column));
        Assert.Equal("duplicate key 's' (first at line 3, column 5)", error.Message);
    }

    [Fact]
    public void A_duplicate_key_keeps_the_first_value_so_other_errors_still_show()
    {
        var errors = TestConfig.Errors("""{ "listen": "http://localhost:1", "listen": "x", "dataDir": 3 }""");

        Assert.Equal(["listen", "dataDir"], errors.Select(e => e.Field));
    }

    [Fact]
    public void Malformed_json_gives_the_position_of_the_problem()
    {
        var error = TestConfig.SingleError("""
            {
              "listen": "http://localhost:1"
              "dataDir": "x"
            }
            """);

        Assert.Equal((3, 3), (error.Line, error.Column));
        Assert.Equal("", error.Field);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_content_after_the_document_is_refused()
    {
        var error = TestConfig.SingleError("{}\n{}");

        Assert.Equal((2, 1), (error.Line, error.Column));
    }

    [Fact]
    public void An_unterminated_document_is_refused()
    {
        var error = TestConfig.SingleError("{ \"listen\": ");

        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void An_empty_document_is_refused()
    {
        var error = TestConfig.SingleError("  ");

        Assert.Equal((1, 3), (error.Line, error.Column));
    }

    [Fact]
    public void Columns_count_characters_not_bytes()
    {
        var error = TestConfig.SingleError("""{ "auth": { "anonymous": "ï" }, "ëë": 1 }""");

        Assert.Equal("ëë", error.Field);
        Assert.Equal((1, 33), (error.Line, error.Column));
    }

    [Fact]
    public void The_root_must_be_an_object()
    {
        var error = TestConfig.SingleError("[]");

        Assert.Equal((1, 1, ""), (error.Line, error.Column, error.Field));
        Assert.Equal("expected an object, found an array", error.Message);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_refused()
    {
        var error = TestConfig.SingleError("""{ "auth": { "anonymous": "\ud800" } }""");

        Assert.Equal(("auth.anonymous", "the string contains an invalid \\u escape (a lone surrogate)"), (error.Field, error.Message));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:8080")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("http://127.0.0.1:8080/gatehouse")]
    [InlineData("http://user@127.0.0.1:8080")]
    [InlineData("")]
    public void A_bad_listen_address_is_refused(string listen)
    {
        var error = TestConfig.SingleError($$"""{ "listen": "{{listen}}" }""");

        Assert.Equal("listen", error.Field);
        Assert.Equal((1, 13), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\" \"")]
    [InlineData("5")]
    [InlineData("[\"a\"]")]
    [InlineData("false")]
    public void An_anonymous_identity_must_be_a_non_empty_string(string value)
    {
        var error = TestConfig.SingleError($$"""{ "auth": { "anonymous": {{value}} } }""");

        Assert.Equal("auth.anonymous", error.Field);
        Assert.Equal((1, 26), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("https://app.example.com/", "did you mean 'https://app.example.com'?")]
    [InlineData("https://app.example.com:443", "did you mean 'https://app.example.com'?")]
    [InlineData("app.example.com", "is not an origin such as https://app.example.com")]
    [InlineData("*", "is not an origin such as https://app.example.com")]
    public void An_allowed_origin_must_be_an_origin(string origin, string messageEnd)
    {
        var error = TestConfig.SingleError($$"""{ "http": { "allowedOrigins": ["{{origin}}"] } }""");

        Assert.Equal("http.allowedOrigins[0]", error.Field);
        Assert.EndsWith(messageEnd, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://gatehouse.example.com")]
    [InlineData("gatehouse.example.com/path")]
    [InlineData("user@host")]
    [InlineData("")]
    public void An_allowed_host_must_be_a_host(string host)
    {
        var error = TestConfig.SingleError($$"""{ "http": { "allowedHosts": ["ok.example.com", "{{host}}"] } }""");

        Assert.Equal("http.allowedHosts[1]", error.Field);
    }

    [Theory]
    [InlineData("""{ "mcpServers": [] }""", "mcpServers", "expected an object, found an array")]
    [InlineData("""{ "mcpServers": { "s": "x" } }""", "mcpServers.s", "expected an object, found a string")]
    [InlineData("""{ "grants": {} }""", "grants", "expected an array, found an object")]
    [InlineData("""{ "auth": true }""", "auth", "expected an object, found a boolean")]
    [InlineData("""{ "http": { "allowedHosts": "h" } }""", "http.allowedHosts", "expected an array, found a string")]
    public void A_wrong_type_names_what_was_expected_and_found(string json, string field, string message)
    {
        var error = TestConfig.SingleError(json);

        Assert.Equal((field, message), (error.Field, error.Message));
    }
}
