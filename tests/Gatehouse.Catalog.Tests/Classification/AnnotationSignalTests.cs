using System.Text.Json.Nodes;
using static Gatehouse.Catalog.Tests.Classification.Tools;

namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>MCP annotations are the server's claims: followed when they ask for caution, never when they argue against it.</summary>
public sealed class AnnotationSignalTests
{
    private static JsonObject Hints(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void A_read_only_hint_decides_when_nothing_else_speaks()
    {
        var classification = ToolClassifier.Classify(Named("echo", "Echoes back the input string", annotations: Hints("""{"readOnlyHint":true}""")));

        Assert.Equal("read, low", Class(classification));
        Assert.Contains("annotations: readOnlyHint", classification.Rationale);
    }

    [Fact]
    public void A_read_only_hint_on_a_tool_named_for_deleting_everything_is_overruled_and_the_rationale_says_so()
    {
        var classification = ToolClassifier.Classify(Named("delete_everything", annotations: Hints("""{"readOnlyHint":true,"destructiveHint":false}""")));

        Assert.Equal("destructive, critical", Class(classification));
        Assert.Contains("verb 'delete' in the name", classification.Rationale);
        Assert.Contains("noun 'everything' in the name", classification.Rationale);
        Assert.Contains("its annotations say it only reads (readOnlyHint), but verb 'delete' in the name says otherwise, so the more cautious reading is taken", classification.Rationale);
        Assert.Contains("destructiveHint: false", classification.Rationale);
    }

    [Fact]
    public void A_destructive_hint_is_believed_even_on_a_tool_named_for_reading()
    {
        var classification = ToolClassifier.Classify(Named("get_report", annotations: Hints("""{"readOnlyHint":true,"destructiveHint":true}""")));

        Assert.Equal("destructive, high", Class(classification));
        Assert.Contains("annotations: destructiveHint", classification.Rationale);
        Assert.Contains("more cautious reading", classification.Rationale);
    }

    [Fact]
    public void A_hint_that_the_tool_writes_outweighs_a_reading_verb()
    {
        var classification = ToolClassifier.Classify(Named("lookup_order", annotations: Hints("""{"readOnlyHint":false}""")));

        Assert.Equal("write, medium", Class(classification));
        Assert.Contains("readOnlyHint: false", classification.Rationale);
    }

    [Fact]
    public void Idempotence_does_not_make_a_deletion_safer()
    {
        var plain = ToolClassifier.Classify(Named("delete_note"));
        var idempotent = ToolClassifier.Classify(Named("delete_note", annotations: Hints("""{"idempotentHint":true,"destructiveHint":false}""")));

        Assert.Equal(Class(plain), Class(idempotent));
    }

    [Fact]
    public void A_read_that_reaches_the_open_world_is_not_low_risk()
    {
        var classification = ToolClassifier.Classify(Named("web_search", annotations: Hints("""{"readOnlyHint":true,"openWorldHint":true}""")));

        Assert.Equal("read, medium", Class(classification));
        Assert.Contains("annotations: openWorldHint", classification.Rationale);
    }

    [Theory]
    [InlineData("""{"readOnlyHint":"true"}""")]
    [InlineData("""{"readOnlyHint":1}""")]
    [InlineData("""{"readOnlyHint":null}""")]
    [InlineData("""{"readOnlyHint":{"value":true}}""")]
    public void A_hint_that_is_not_a_boolean_is_no_hint(string annotations)
    {
        var classification = ToolClassifier.Classify(Named("frobnicate", annotations: Hints(annotations)));

        Assert.Equal("write, medium", Class(classification));
        Assert.DoesNotContain("readOnlyHint)", classification.Rationale);
    }
}
