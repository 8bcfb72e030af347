using System.Text.Json.Nodes;

namespace Gatehouse.Catalog.Tests;

public sealed class ToolDefinitionTests
{
    private static ToolDefinition Definition(string json) => ToolDefinition.FromJson(JsonNode.Parse(json)!.AsObject())!;

    [Fact]
    public void Key_order_and_spacing_do_not_change_the_hash()
    {
        var one = Definition("""{"name":"t","description":"d","inputSchema":{"type":"object","properties":{"a":{"type":"string"}}}}""");
        var other = Definition("""{ "inputSchema": { "properties": { "a": { "type": "string" } }, "type": "object" }, "description": "d", "name": "t" }""");

        Assert.Equal(one.Hash, other.Hash);
    }

    [Theory]
    [InlineData("""{"name":"t","description":"d2","inputSchema":{"type":"object"}}""")]
    [InlineData("""{"name":"t","description":"d","inputSchema":{"type":"object","properties":{"b":{}}}}""")]
    [InlineData("""{"name":"t","description":"d","inputSchema":{"type":"object"},"annotations":{"readOnlyHint":true}}""")]
    [InlineData("""{"name":"t","description":"d","inputSchema":{"type":"object"},"title":"T"}""")]
    [InlineData("""{"name":"t","description":"d ","inputSchema":{"type":"object"}}""")]
    [InlineData("""{"name":"t","description":"d\u200b","inputSchema":{"type":"object"}}""")]
    public void Any_change_a_model_could_read_changes_the_hash(string changed)
    {
        var original = Definition("""{"name":"t","description":"d","inputSchema":{"type":"object"}}""");

        Assert.NotEqual(original.Hash, Definition(changed).Hash);
    }

    [Fact]
    public void Fields_outside_the_definition_are_not_pinned()
    {
        var original = Definition("""{"name":"t","description":"d"}""");
        var withMeta = Definition("""{"name":"t","description":"d","_meta":{"x":1},"icons":[]}""");

        Assert.Equal(original.Hash, withMeta.Hash);
    }

    [Fact]
    public void A_stored_definition_parses_back_to_the_same_hash()
    {
        var original = Definition("""{"name":"t","description":"d","annotations":{"destructiveHint":true}}""");

        var parsed = ToolDefinition.Parse(original.Pinned.ToJsonString());

        Assert.Equal(original.Hash, parsed.Hash);
        Assert.True(parsed.Hint("destructiveHint"));
        Assert.Null(parsed.Hint("readOnlyHint"));
    }

    [Fact]
    public void A_tool_without_a_name_has_no_definition() =>
        Assert.Null(ToolDefinition.FromJson(new JsonObject { ["description"] = "d" }));
}
