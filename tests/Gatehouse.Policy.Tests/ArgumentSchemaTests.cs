namespace Gatehouse.Policy.Tests;

public class ArgumentSchemaTests
{
    private static readonly CompiledPolicy _policy = Policies.Tools("""
        { "send_campaign": { "arguments": {
            "schema": {
              "type": "object",
              "properties": {
                "campaign_id": { "type": "integer", "minimum": 1 },
                "list_ids": { "type": "array", "items": { "type": "integer" }, "maxItems": 2 }
              },
              "required": ["campaign_id"],
              "additionalProperties": false
            },
            "conditions": { "campaign_id": { "not_in": [13] } } } } }
        """);

    [Fact]
    public void Arguments_that_satisfy_the_schema_are_allowed()
    {
        Assert.Equal(DecisionKind.Allow, _policy.DecideTool("send_campaign", Policies.Args("""{ "campaign_id": 3, "list_ids": [1, 2] }""")).Kind);
    }

    [Theory]
    [InlineData("""{ "campaign_id": 3, "list_ids": [1, 2, 3] }""", "argument $.list_ids:", "maxItems")]
    [InlineData("""{ "campaign_id": 3, "list_ids": [1, "x"] }""", "argument $.list_ids[1]:", "type")]
    [InlineData("""{ "campaign_id": 0 }""", "argument $.campaign_id:", "minimum")]
    [InlineData("""{ "list_ids": [] }""", "argument $:", "required")]
    [InlineData("""{ "campaign_id": 1, "extra": true }""", "argument $.extra: is not allowed by the schema", "additionalProperties")]
    public void Arguments_that_break_the_schema_are_refused_naming_path_and_keyword(string arguments, string path, string keyword)
    {
        var decision = _policy.DecideTool("send_campaign", Policies.Args(arguments));

        Assert.Equal(DecisionKind.InvalidArguments, decision.Kind);
        Assert.StartsWith(path, decision.Reason, StringComparison.Ordinal);
        Assert.Contains($"(schema {keyword} at ", decision.Reason, StringComparison.Ordinal);
        Assert.EndsWith("rule tools.send_campaign)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void No_arguments_are_checked_as_an_empty_object()
    {
        Assert.Contains("required", _policy.DecideTool("send_campaign", null).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Conditions_are_checked_after_the_schema()
    {
        var decision = _policy.DecideTool("send_campaign", Policies.Args("""{ "campaign_id": 13 }"""));

        Assert.Contains("(not_in, rule tools.send_campaign)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_boolean_schema_is_accepted()
    {
        var policy = Policies.Tools("""{ "a": { "arguments": { "schema": true } }, "b": { "arguments": { "schema": false } } }""");

        Assert.Equal(DecisionKind.Allow, policy.DecideTool("a", null).Kind);
        Assert.Equal(DecisionKind.InvalidArguments, policy.DecideTool("b", null).Kind);
    }

    [Fact]
    public void Local_references_resolve_and_ids_do_not_clash_between_policies()
    {
        const string rules = """
            { "t": { "arguments": { "schema": {
              "$id": "https://example.com/args", "$defs": { "id": { "type": "integer" } },
              "properties": { "x": { "$ref": "#/$defs/id" } } } } } }
            """;
        var first = Policies.Tools(rules);
        var second = Policies.Tools(rules);

        Assert.Equal(DecisionKind.Allow, first.DecideTool("t", Policies.Args("""{ "x": 1 }""")).Kind);
        Assert.Equal(DecisionKind.InvalidArguments, second.DecideTool("t", Policies.Args("""{ "x": "1" }""")).Kind);
    }

    [Fact]
    public void Unevaluated_properties_are_still_checked()
    {
        var policy = Policies.Tools("""
            { "t": { "arguments": { "schema": { "allOf": [ { "properties": { "a": true } } ], "unevaluatedProperties": false } } } }
            """);

        Assert.Equal(DecisionKind.Allow, policy.DecideTool("t", Policies.Args("""{ "a": 1 }""")).Kind);
        Assert.Equal(DecisionKind.InvalidArguments, policy.DecideTool("t", Policies.Args("""{ "a": 1, "b": 2 }""")).Kind);
    }

    [Fact]
    public void Recursion_through_properties_is_fine()
    {
        var policy = Policies.Tools("""
            { "t": { "arguments": { "schema": {
              "$defs": { "node": { "type": "object", "properties": { "children": { "type": "array", "items": { "$ref": "#/$defs/node" } } } } },
              "$ref": "#/$defs/node" } } } }
            """);

        Assert.Equal(DecisionKind.Allow, policy.DecideTool("t", Policies.Args("""{ "children": [ { "children": [] } ] }""")).Kind);
        Assert.Equal(DecisionKind.InvalidArguments, policy.DecideTool("t", Policies.Args("""{ "children": [ { "children": 1 } ] }""")).Kind);
    }

    [Fact]
    public void The_draft_2020_12_dialect_may_be_named()
    {
        var policy = Policies.Tools("""
            { "t": { "arguments": { "schema": { "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object" } } } }
            """);

        Assert.Equal(DecisionKind.InvalidArguments, policy.DecideTool("t", Policies.Args("[]")).Kind);
    }
}
