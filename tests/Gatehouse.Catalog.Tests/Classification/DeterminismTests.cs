using System.Text.Json.Nodes;
using static Gatehouse.Catalog.Tests.Classification.Tools;

namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>The same tool always gets the same class and the same rationale, however its definition is written and whenever it is asked.</summary>
public sealed class DeterminismTests
{
    private const string OneOrder = """
        {"name":"bulk_send","description":"Sends a message.","annotations":{"openWorldHint":true,"readOnlyHint":false},
         "inputSchema":{"type":"object","properties":{"to":{"type":"array"},"cc":{"type":"array"},"ids":{"type":"array"},"url":{"type":"string"}}}}
        """;

    private const string OtherOrder = """
        {"inputSchema":{"properties":{"url":{"type":"string"},"ids":{"type":"array"},"cc":{"type":"array"},"to":{"type":"array"}},"type":"object"},
         "annotations":{"readOnlyHint":false,"openWorldHint":true},"description":"Sends a message.","name":"bulk_send"}
        """;

    [Fact]
    public void Key_order_changes_neither_the_hash_nor_the_class_nor_the_rationale()
    {
        var one = Definition(OneOrder);
        var other = Definition(OtherOrder);

        Assert.Equal(one.Hash, other.Hash);
        Assert.Equal(ToolClassifier.Classify(one), ToolClassifier.Classify(other));
    }

    [Fact]
    public void A_stored_definition_classifies_as_the_listed_one_did()
    {
        foreach (var tool in Listmonk())
        {
            Assert.Equal(ToolClassifier.Classify(tool), ToolClassifier.Classify(ToolDefinition.Parse(tool.Pinned.ToJsonString())));
        }
    }

    [Fact]
    public void Many_threads_asking_at_once_get_one_answer()
    {
        var tools = Listmonk().Append(Definition(OneOrder)).ToList();
        var expected = tools.Select(ToolClassifier.Classify).ToList();

        var answers = Enumerable.Range(0, 200).AsParallel()
            .Select(_ => tools.Select(ToolClassifier.Classify).ToList())
            .ToList();

        Assert.All(answers, answer => Assert.Equal(expected, answer));
    }

    [Fact]
    public void Classifying_does_not_change_the_definition()
    {
        var tool = Definition(OneOrder);
        var before = tool.Pinned.ToJsonString();

        ToolClassifier.Classify(tool);

        Assert.Equal(before, tool.Pinned.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(before), tool.Pinned));
    }
}
