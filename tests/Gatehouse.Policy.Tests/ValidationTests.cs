namespace Gatehouse.Policy.Tests;

public class ValidationTests
{
    private static PolicyError Single(string json) => Assert.Single(Policies.Errors(json));

    [Fact]
    public void Malformed_json_is_reported_at_its_line_and_column()
    {
        var error = Single("{\n  \"version\": \"1\",\n  \"default\": deny\n}");

        Assert.Equal((3, 14), (error.Line, error.Column));
        Assert.StartsWith("invalid JSON: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{ \"version\": \"1\", }")]
    [InlineData("{ \"version\": \"1\" } x")]
    [InlineData("{ \"version\": \"1\" /* comment */ }")]
    public void Text_that_is_not_strict_json_is_refused(string text)
    {
        Assert.StartsWith("invalid JSON", Single(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_refused_where_it_is()
    {
        var error = Single("{ \"version\": \"1\",\n  \"tools\": { \"\\udc00\": {} } }");

        Assert.Equal((2, 14), (error.Line, error.Column));
        Assert.StartsWith("invalid JSON string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_root_must_be_an_object()
    {
        var error = Single("[]");

        Assert.Equal("", error.Path);
        Assert.Equal("1:1: $: must be a policy object, found an array", error.ToString());
    }

    [Fact]
    public void Duplicate_keys_are_errors_at_the_second_key()
    {
        var error = Single("""
            { "version": "1",
              "tools": { "send_campaign": "deny", "send_campaign": "allow" } }
            """);

        Assert.Equal((2, 39), (error.Line, error.Column));
        Assert.Equal("tools.send_campaign", error.Path);
        Assert.Contains("duplicate key \"send_campaign\" (first at line 2, column 14)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_keys_inside_argument_schemas_are_errors_too()
    {
        var error = Single("""
            { "version": "1", "tools": { "t": { "arguments": { "schema": { "maxItems": 1, "maxItems": 100 } } } } }
            """);

        Assert.Equal("tools.t.arguments.schema.maxItems", error.Path);
    }

    [Fact]
    public void Unknown_fields_are_errors_at_the_key_with_a_suggestion()
    {
        var error = Single("""
            { "version": "1",
              "tools": { "t": { "actoin": "deny" } } }
            """);

        Assert.Equal((2, 21), (error.Line, error.Column));
        Assert.Equal("2:21: tools.t.actoin: unknown field \"actoin\" in a rule; did you mean \"action\"?", error.ToString());
    }

    [Theory]
    [InlineData("""{ "version": "1", "rules": {} }""", "rules")]
    [InlineData("""{ "version": "1", "tools": { "t": { "risk": "high" } } }""", "tools.t.risk")]
    [InlineData("""{ "version": "1", "resources": { "file:///a": { "arguments": {} } } }""", "resources[\"file:///a\"].arguments")]
    [InlineData("""{ "version": "1", "tools": { "t": { "arguments": { "shema": {} } } } }""", "tools.t.arguments.shema")]
    [InlineData("""{ "version": "1", "tools": { "t": { "arguments": { "conditions": { "a": { "max_item": 1 } } } } } }""", "tools.t.arguments.conditions.a.max_item")]
    public void Unknown_fields_anywhere_are_errors(string json, string path)
    {
        var error = Single(json);

        Assert.Equal(path, error.Path);
        Assert.StartsWith("unknown field", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_version_is_required()
    {
        var error = Single("""{ "default": "deny" }""");

        Assert.Equal("version", error.Path);
        Assert.Equal((1, 1), (error.Line, error.Column));
        Assert.Contains("missing required field \"version\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2\"", "unknown version \"2\"")]
    [InlineData("\"1.0\"", "unknown version \"1.0\"")]
    [InlineData("1", "must be the string \"1\", found a number")]
    public void An_unknown_version_is_an_error(string version, string message)
    {
        var error = Single($$"""{ "version": {{version}} }""");

        Assert.Equal("version", error.Path);
        Assert.Equal((1, 14), (error.Line, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"require_approval\"")]
    [InlineData("\"Deny\"")]
    [InlineData("false")]
    public void The_default_is_allow_or_deny(string value)
    {
        Assert.Equal("default", Single($$"""{ "version": "1", "default": {{value}} }""").Path);
    }

    [Theory]
    [InlineData("""{ "t": 5 }""", "tools.t", "must be a rule")]
    [InlineData("""{ "t": "permit" }""", "tools.t", "\"permit\" is not one of")]
    [InlineData("""{ "t": { "action": "dney" } }""", "tools.t.action", "did you mean \"deny\"?")]
    [InlineData("""{ "t": { "action": "deny", "reason": 5 } }""", "tools.t.reason", "must be a string, found a number")]
    [InlineData("""{ "t": { "action": "deny", "reason": "" } }""", "tools.t.reason", "must not be empty")]
    [InlineData("""{ "t": { "arguments": [] } }""", "tools.t.arguments", "must be an arguments object, found an array")]
    [InlineData("""{ "t": { "arguments": { "conditions": [] } } }""", "tools.t.arguments.conditions", "must be an object of conditions keyed by path")]
    [InlineData("""{ "t": { "redact": "$.password" } }""", "tools.t.redact", "must be an array")]
    public void Wrong_types_are_errors(string tools, string path, string message)
    {
        var error = Policies.ToolsError(tools);

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_must_be_objects_or_arrays_as_documented()
    {
        var errors = Policies.Errors("""{ "version": "1", "tools": [], "resources": "x", "prompts": 1, "classes": {} }""");

        Assert.Equal(["tools", "resources", "prompts", "classes"], errors.Select(error => error.Path));
    }

    [Theory]
    [InlineData("\"\"", "every tool has a name")]
    [InlineData("\" send_campaign\"", "do not begin or end with whitespace")]
    [InlineData("\"send_campaign \"", "do not begin or end with whitespace")]
    [InlineData("\"send\\u0000campaign\"", "control characters")]
    [InlineData("\"get_*\\n\"", "control characters")]
    public void A_tool_selector_that_can_never_match_is_an_error(string key, string message)
    {
        var error = Policies.ToolsError($$"""{ {{key}}: "allow" }""");

        Assert.Contains("can never match: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal((1, 30), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("docs/*")]
    [InlineData("/etc/passwd")]
    [InlineData("README.md")]
    [InlineData("1file:///*")]
    [InlineData(":x")]
    [InlineData("file:///a b")]
    [InlineData("")]
    public void A_resource_pattern_that_can_never_match_a_uri_is_an_error(string key)
    {
        var error = Single($$"""{ "version": "1", "resources": { "{{key}}": "allow" } }""");

        Assert.Contains("can never match", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///*")]
    [InlineData("*")]
    [InlineData("*.md")]
    [InlineData("http*://example.com/*")]
    [InlineData("file*")]
    [InlineData("urn:isbn:0451450523")]
    [InlineData("git+ssh://host/*")]
    public void A_resource_pattern_that_can_match_a_uri_is_accepted(string key)
    {
        Policies.Compile($$"""{ "version": "1", "resources": { "{{key}}": "allow" } }""");
    }

    [Theory]
    [InlineData("(", "invalid regular expression")]
    [InlineData("(a)\\\\1", "linear-time regex engine")]
    [InlineData("(?=a)a", "linear-time regex engine")]
    public void A_bad_pattern_is_an_error(string pattern, string message)
    {
        var error = Policies.ToolsError($$"""{ "t": { "arguments": { "conditions": { "s": { "pattern": "{{pattern}}" } } } } }""");

        Assert.Equal("tools.t.arguments.conditions.s.pattern", error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "strin" }""", "invalid JSON Schema")]
    [InlineData("""{ "type": 5 }""", "invalid JSON Schema")]
    [InlineData("""{ "maxItem": 2 }""", "maxItem")]
    [InlineData("""{ "minimum": "1" }""", "invalid JSON Schema")]
    [InlineData("""{ "$ref": "https://example.com/remote.json" }""", "does not point into this schema")]
    [InlineData("""{ "properties": { "x": { "$ref": "#/$defs/missing" } } }""", "$ref \"#/$defs/missing\" at #/properties/x does not point")]
    [InlineData("""{ "$defs": { "a": { "$ref": "#/$defs/a" } }, "properties": { "x": { "$ref": "#/$defs/a" } } }""", "$ref cycle")]
    [InlineData("""{ "$defs": { "a": { "anyOf": [ { "$ref": "#/$defs/b" } ] }, "b": { "not": { "$ref": "#/$defs/a" } } } }""", "$ref cycle")]
    [InlineData("""{ "allOf": [ { "$ref": "#" } ] }""", "$ref cycle")]
    [InlineData("""{ "$defs": { "a": { "$anchor": "a" } } }""", "$anchor at #/$defs/a is not supported")]
    [InlineData("""{ "$dynamicRef": "#x" }""", "$dynamicRef at # is not supported")]
    [InlineData("""{ "properties": { "x": { "$id": "https://example.com/x" } } }""", "$id at #/properties/x is not supported")]
    [InlineData("""{ "$schema": "https://json-schema.org/draft/2020-12/schema", "maxItem": 2 }""", "maxItem")]
    [InlineData("""{ "pattern": "(" }""", "invalid JSON Schema")]
    [InlineData("""{ "$schema": "http://json-schema.org/draft-07/schema#" }""", "draft 2020-12")]
    [InlineData("[]", "must be a JSON Schema (an object or a boolean)")]
    public void A_bad_schema_is_an_error(string schema, string message)
    {
        var error = Policies.ToolsError($$"""{ "t": { "arguments": { "schema": {{schema}} } } }""");

        Assert.StartsWith("tools.t.arguments.schema", error.Path, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "$..a": { "max": 1 } }""", "conditions[\"$..a\"]", "recursive descent")]
    [InlineData("""{ "a": {} }""", "conditions.a", "needs at least one of")]
    [InlineData("""{ "a": 5 }""", "conditions.a", "must be a condition")]
    [InlineData("""{ "a": { "in": [] } }""", "conditions.a.in", "must not be empty")]
    [InlineData("""{ "a": { "not_in": "x" } }""", "conditions.a.not_in", "must be an array")]
    [InlineData("""{ "a": { "min": "1" } }""", "conditions.a.min", "must be a number")]
    [InlineData("""{ "a": { "min": 2, "max": 1 } }""", "conditions.a.min", "no value can pass")]
    [InlineData("""{ "a": { "max_length": -1 } }""", "conditions.a.max_length", "from 0 to")]
    [InlineData("""{ "a": { "max_items": 1.5 } }""", "conditions.a.max_items", "whole number")]
    [InlineData("""{ "a": { "pattern": 5 } }""", "conditions.a.pattern", "must be a string")]
    [InlineData("""{ "a": { "max": 1, "optional": "yes" } }""", "conditions.a.optional", "true or false")]
    public void A_bad_condition_is_an_error(string conditions, string path, string message)
    {
        var error = Policies.ToolsError($$"""{ "t": { "arguments": { "conditions": {{conditions}} } } }""");

        Assert.Equal("tools.t.arguments." + path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("limits", """[ { "counter": "c", "window": 1, "max": 1 } ]""")]
    [InlineData("rate_limit", """{ "max": 1, "window": 1 }""")]
    [InlineData("arguments", """{ "conditions": { "a": { "max": 1 } } }""")]
    public void A_deny_rule_with_something_that_never_applies_is_an_error(string field, string value)
    {
        var error = Policies.ToolsError($$"""{ "t": { "action": "deny", "{{field}}": {{value}} } }""");

        Assert.Equal("tools.t." + field, error.Path);
        Assert.Contains("never", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("approvers", "[\"alice\"]")]
    [InlineData("approvals", "1")]
    [InlineData("approve_via", "\"elicitation\"")]
    [InlineData("timeout", "\"1h\"")]
    public void Approval_fields_on_a_rule_that_does_not_wait_for_approval_are_errors(string field, string value)
    {
        var error = Policies.ToolsError($$"""{ "t": { "{{field}}": {{value}} } }""");

        Assert.Equal("tools.t." + field, error.Path);
        Assert.Contains("only to a rule with \"action\": \"require_approval\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "approvers": [] }""", "approvers", "must not be empty")]
    [InlineData("""{ "approvers": ["alice", "alice"] }""", "approvers[1]", "listed twice")]
    [InlineData("""{ "approvers": [""] }""", "approvers[0]", "must not be empty")]
    [InlineData("""{ "approvers": ["alice"], "approvals": 2 }""", "approvals", "can never be given")]
    [InlineData("""{ "approvals": 0 }""", "approvals", "from 1 to")]
    [InlineData("""{ "approve_via": "email" }""", "approve_via", "is not one of \"elicitation\"")]
    [InlineData("""{ "timeout": "soon" }""", "timeout", "timeout \"soon\" is not a duration")]
    [InlineData("""{ "timeout": "60d" }""", "timeout", "timeout must not be longer than 24 days, the longest a timer waits")]
    [InlineData("""{ "redact": ["$..password"] }""", "redact[0]", "not a supported path")]
    [InlineData("""{ "redact": [5] }""", "redact[0]", "must be a string")]
    public void Malformed_carried_fields_are_errors(string extra, string field, string message)
    {
        var rule = extra.Replace("{ ", "{ \"action\": \"require_approval\", ", StringComparison.Ordinal);

        var error = Policies.ToolsError($$"""{ "t": {{rule}} }""");

        Assert.Equal("tools.t." + field, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[ { "action": "deny" } ]""", "classes[0]", "needs \"risk\", \"category\" or both")]
    [InlineData("""[ { "risk": "severe" } ]""", "classes[0].risk", "is not one of \"low\", \"medium\", \"high\", \"critical\"")]
    [InlineData("""[ { "risk": [] } ]""", "classes[0].risk", "must not be empty")]
    [InlineData("""[ { "category": ["read", "delete"] } ]""", "classes[0].category[1]", "is not one of")]
    [InlineData("""[ { "category": "Destructive" } ]""", "classes[0].category", "did you mean \"destructive\"?")]
    [InlineData("""[ "deny" ]""", "classes[0]", "must be a class rule")]
    public void Malformed_class_rules_are_errors(string classes, string path, string message)
    {
        var error = Single($$"""{ "version": "1", "classes": {{classes}} }""");

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_is_reported_in_order_of_position()
    {
        var errors = Policies.Errors("""
            {
              "version": "2",
              "default": "maybe",
              "tools": {
                "a": { "action": "nope" },
                "b": { "limits": [ { "counter": "c", "window": "90x", "max": 0 } ] },
                "": "allow"
              },
              "resources": { "docs/*": "allow" }
            }
            """);

        Assert.Equal(
            ["version", "default", "tools.a.action", "tools.b.limits[0].window", "tools.b.limits[0].max", "tools[\"\"]", "resources[\"docs/*\"]"],
            errors.Select(error => error.Path));
        Assert.Equal([2, 3, 5, 6, 6, 7, 9], errors.Select(error => error.Line));
        Assert.Equal(errors.OrderBy(e => e.Line).ThenBy(e => e.Column), errors);
    }

    [Fact]
    public void Columns_count_characters_not_bytes()
    {
        var error = Single("{ \"version\": \"1\", \"tools\": { \"é😀\": { \"x\": 1 } } }");

        Assert.Equal((1, 38), (error.Line, error.Column));
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_do_not_shift_positions()
    {
        var error = Single("\uFEFF{\r\n  \"version\": \"1\",\r\n  \"bogus\": 1\r\n}");

        Assert.Equal((3, 3), (error.Line, error.Column));
    }
}
