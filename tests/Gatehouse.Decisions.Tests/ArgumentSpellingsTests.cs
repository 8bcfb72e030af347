using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Decisions.Tests;

public sealed class ArgumentSpellingsTests
{
    private static readonly JsonObject s_schema = JsonNode.Parse("""
        {"type":"object","properties":{
          "campaign_id":{"type":"integer"},
          "options":{"type":"object","properties":{"send_at":{"type":"string"}}},
          "lists":{"type":"array","items":{"type":"object","properties":{"list_id":{"type":"integer"}}}}}}
        """)!.AsObject();

    private static string? Find(string arguments) => ArgumentSpellings.FindCaseVariant(JsonDocument.Parse(arguments).RootElement, s_schema);

    [Theory]
    [InlineData("""{"campaign_id":1,"extra":2}""")]
    [InlineData("""{"options":{"send_at":"now"},"lists":[{"list_id":1}]}""")]
    public void Arguments_spelled_as_the_schema_spells_them_pass(string arguments) => Assert.Null(Find(arguments));

    [Theory]
    [InlineData("""{"Campaign_Id":1}""", "arguments.Campaign_Id")]
    [InlineData("""{"campaign_id":1,"CAMPAIGN_ID":3}""", "arguments.CAMPAIGN_ID")]
    [InlineData("""{"options":{"Send_At":"now"}}""", "arguments.options.Send_At")]
    [InlineData("""{"lists":[{"list_id":1},{"List_ID":2}]}""", "arguments.lists[1].List_ID")]
    public void An_argument_in_another_case_of_a_schema_property_is_found(string arguments, string path) =>
        Assert.Contains(path, Find(arguments), StringComparison.Ordinal);

    private static string? Find(string arguments, string schema) =>
        ArgumentSpellings.FindCaseVariant(JsonDocument.Parse(arguments).RootElement, JsonNode.Parse(schema)!.AsObject());

    private const string Defs = """
        {"$ref":"#/$defs/In","$defs":{
          "In":{"type":"object","properties":{"campaign_id":{"type":"integer"},"options":{"$ref":"#/$defs/Options"},
            "filter":{"$ref":"#/$defs/Filter"},"maybe":{"anyOf":[{"$ref":"#/$defs/Options"},{"type":"null"}]},
            "lists":{"type":"object","additionalProperties":{"type":"object","properties":{"list_id":{"type":"integer"}}}},
            "pair":{"type":"array","prefixItems":[{"type":"string"},{"$ref":"#/$defs/Options"}]},
            "confirm":{"type":"boolean"},"count":{"type":["integer","null"]},"free":{},"mode":{"enum":["a","b"]}}},
          "Options":{"type":"object","properties":{"send_at":{"type":"string"}}},
          "Filter":{"type":"object","properties":{"field":{"type":"string"},"and":{"type":"array","items":{"$ref":"#/$defs/Filter"}}}}}}
        """;

    [Theory]
    [InlineData("""{"Campaign_Id":1}""", "arguments.Campaign_Id")]
    [InlineData("""{"options":{"Send_At":"now"}}""", "arguments.options.Send_At")]
    [InlineData("""{"maybe":{"SEND_AT":"now"}}""", "arguments.maybe.SEND_AT")]
    [InlineData("""{"lists":{"weekly":{"List_Id":1}}}""", "arguments.lists.weekly.List_Id")]
    [InlineData("""{"pair":["x",{"Send_at":"now"}]}""", "arguments.pair[1].Send_at")]
    [InlineData("""{"filter":{"and":[{"and":[{"Field":"x"}]}]}}""", "arguments.filter.and[0].and[0].Field")]
    public void A_spelling_is_found_through_references_branches_and_maps(string arguments, string path) =>
        Assert.Contains(JsonNode.Parse($"\"{path}\"")!.GetValue<string>(), Find(arguments, Defs), StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"campaign_id":"1"}""", "arguments.campaign_id is a string")]
    [InlineData("""{"campaign_id":true}""", "arguments.campaign_id is a boolean")]
    [InlineData("""{"confirm":1}""", "arguments.confirm is a number")]
    [InlineData("""{"confirm":"yes"}""", "arguments.confirm is a string")]
    [InlineData("""{"count":"2"}""", "arguments.count is a string")]
    [InlineData("""{"options":{"send_at":1}}""", "arguments.options.send_at is a number")]
    [InlineData("""{"lists":{"weekly":{"list_id":"1"}}}""", "arguments.lists.weekly.list_id is a string")]
    public void A_scalar_of_a_type_the_schema_does_not_declare_is_found(string arguments, string reason) =>
        Assert.Contains(reason, Find(arguments, Defs), StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"campaign_id":1,"options":{"send_at":"now"},"maybe":null,"count":null,"free":"1","mode":"a","other":{"Send_At":1}}""")]
    [InlineData("""{"campaign_id":1.0,"count":3,"confirm":false,"pair":["x",{"send_at":"now"}],"filter":{"and":[{"field":"x"}]}}""")]
    [InlineData("""{"lists":{"weekly":{"list_id":1},"Weekly":{"list_id":2}}}""")]
    public void Arguments_as_the_schema_declares_them_pass(string arguments) => Assert.Null(Find(arguments, Defs));

    [Fact]
    public void A_schema_that_refers_to_itself_ends()
    {
        Assert.Null(Find("""{"a":{"b":1}}""", """{"$ref":"#/$defs/A","$defs":{"A":{"$ref":"#/$defs/A","anyOf":[{"$ref":"#"}]}}}"""));
    }
}
