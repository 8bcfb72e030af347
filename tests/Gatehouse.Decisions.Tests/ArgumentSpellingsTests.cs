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
}
