using System.Text.Json.Nodes;
using Gatehouse.OperatorConsole.Components.Policies;

namespace Gatehouse.OperatorConsole.Components.Tests;

/// <summary>The conditions a rule's form offers, argument by argument, from what the tool's input schema says of each.</summary>
public sealed class SchemaFieldsTests : ConsoleComponentTest
{
    private readonly PolicyDocument _document = PolicyDocument.TryParse("""{ "version": "1", "tools": { "create_campaign": "allow" } }""")!;

    private IRenderedComponent<PolicyConditions> RenderConditions() => Render<PolicyConditions>(p => p
        .Add(c => c.Document, _document)
        .Add(c => c.Name, "create_campaign")
        .Add(c => c.Tool, Tool("create_campaign", CampaignSchema)));

    private JsonObject? Condition(string argument) => _document.ConditionOn("create_campaign", argument);

    [Fact]
    public void Each_argument_of_the_schema_is_listed_with_its_type_and_whether_it_is_required()
    {
        var conditions = RenderConditions();

        var rows = conditions.FindAll("table[aria-label='Arguments of create_campaign'] tbody tr").Select(r => r.QuerySelector("td")!.TextContent).ToList();
        Assert.Equal(["campaign_id", "subject", "content_type", "lists", "send_now"], rows.Select(r => r.Trim().Split(' ', '\n')[0]));
        Assert.Contains("integer, required, schema: 1 to 500", rows[0], StringComparison.Ordinal);
        Assert.Contains("The campaign", rows[0], StringComparison.Ordinal);
        Assert.Contains("string, optional", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_with_an_enum_offers_its_values_and_one_without_takes_any()
    {
        var conditions = RenderConditions();

        var boxes = conditions.Find("[aria-label='Allowed values of content_type in create_campaign']").QuerySelectorAll("label");
        Assert.Equal(["html", "plain", "markdown"], boxes.Select(b => b.TextContent.Trim()));
        boxes[1].QuerySelector("input")!.Change(true);
        conditions.Find("[aria-label='Allowed values of content_type in create_campaign']").QuerySelectorAll("input")[0].Change(true);
        Assert.Equal("""["html","plain"]""", Condition("content_type")!["in"]!.ToJsonString());

        conditions.Find("input[aria-label='Allowed values of subject in create_campaign']").Change("Hello, News");
        conditions.Find("input[aria-label='Max length of subject in create_campaign']").Change("200");
        conditions.Find("input[aria-label='Pattern of subject in create_campaign']").Change("[^<>]*");
        Assert.Equal("""{"optional":true,"in":["Hello","News"],"max_length":200,"pattern":"[^<>]*"}""", Condition("subject")!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Empty(conditions.FindAll("input[aria-label='Min of subject in create_campaign']"));
    }

    [Fact]
    public void An_integer_with_a_minimum_and_maximum_offers_a_range_with_the_schemas_bounds_as_hints()
    {
        var conditions = RenderConditions();

        var min = conditions.Find("input[aria-label='Min of campaign_id in create_campaign']");
        var max = conditions.Find("input[aria-label='Max of campaign_id in create_campaign']");
        Assert.Equal(("decimal", "1", "500"), (min.GetAttribute("inputmode"), min.GetAttribute("placeholder"), max.GetAttribute("placeholder")));
        Assert.Empty(conditions.FindAll("input[aria-label='Max length of campaign_id in create_campaign']"));

        max.Change("100");
        conditions.Find("input[aria-label='Allowed values of campaign_id in create_campaign']").Change("3, 4");

        Assert.Equal("""{"max":100,"in":[3,4]}""", Condition("campaign_id")!.ToJsonString());
    }

    [Fact]
    public void Text_a_field_cannot_read_changes_nothing_and_says_so()
    {
        var conditions = RenderConditions();
        conditions.Find("input[aria-label='Max of campaign_id in create_campaign']").Change("100");
        conditions.Find("input[aria-label='Allowed values of campaign_id in create_campaign']").Change("3, 4");

        // A thousands separator, an exponent, half a number: none is read as something else.
        conditions.Find("input[aria-label='Allowed values of campaign_id in create_campaign']").Change("1,000");
        conditions.Find("input[aria-label='Max of campaign_id in create_campaign']").Change("1e2");
        conditions.Find("input[aria-label='Max length of subject in create_campaign']").Change("10.5");

        Assert.Equal("""{"max":100,"in":[3,4]}""", Condition("campaign_id")!.ToJsonString());
        Assert.Null(Condition("subject"));
        Assert.Equal(3, conditions.FindAll("[role=alert]").Count);
        Assert.Contains("“1,000” is not numbers apart by commas, or a JSON array; the policy keeps what it had", conditions.Markup, StringComparison.Ordinal);

        // Emptied, a field removes its operator.
        conditions.Find("input[aria-label='Max of campaign_id in create_campaign']").Change("");
        Assert.Equal("""{"in":[3,4]}""", Condition("campaign_id")!.ToJsonString());
    }

    [Fact]
    public void Allowed_values_a_comma_list_cannot_hold_are_written_and_shown_as_a_JSON_array()
    {
        var conditions = RenderConditions();

        conditions.Find("input[aria-label='Allowed values of subject in create_campaign']").Change("""["Hello, world", " padded", "plain"]""");

        Assert.Equal("""["Hello, world"," padded","plain"]""", Condition("subject")!["in"]!.ToJsonString());
        Assert.Equal("""["Hello, world"," padded","plain"]""",
            conditions.Find("input[aria-label='Allowed values of subject in create_campaign']").GetAttribute("value"));
    }

    [Fact]
    public void An_array_offers_a_most_items_and_a_boolean_a_value_to_equal()
    {
        var conditions = RenderConditions();

        conditions.Find("input[aria-label='Max items of lists in create_campaign']").Change("2");
        conditions.Find("select[aria-label='Equals of send_now in create_campaign']").Change("false");

        Assert.Empty(conditions.FindAll("input[aria-label='Max length of lists in create_campaign']"));
        Assert.Equal("""{"optional":true,"max_items":2}""", Condition("lists")!.ToJsonString());
        Assert.Equal("""{"optional":true,"equals":false}""", Condition("send_now")!.ToJsonString());
    }

    [Fact]
    public void An_argument_the_schema_requires_must_be_there_and_one_it_does_not_may_be_left_out()
    {
        var conditions = RenderConditions();

        conditions.Find("input[aria-label='Max of campaign_id in create_campaign']").Change("100");
        conditions.Find("input[aria-label='Max items of lists in create_campaign']").Change("2");

        Assert.Null(Condition("campaign_id")!["optional"]);
        Assert.False(conditions.Find("input[aria-label='campaign_id may be left out (create_campaign)']").HasAttribute("checked"));
        Assert.True(conditions.Find("input[aria-label='lists may be left out (create_campaign)']").HasAttribute("checked"));

        conditions.Find("input[aria-label='lists may be left out (create_campaign)']").Change(false);

        Assert.Equal("""{"max_items":2}""", Condition("lists")!.ToJsonString());
        // No operator left: the condition goes, rather than stay to fail every call that leaves the argument out.
        conditions.Find("input[aria-label='Max items of lists in create_campaign']").Change("");
        Assert.Null(Condition("lists"));
    }

    [Fact]
    public void A_condition_the_form_has_no_row_for_is_named_so_it_is_not_missed()
    {
        var conditions = Render<PolicyConditions>(p => p
            .Add(c => c.Document, PolicyDocument.TryParse("""
                { "version": "1", "tools": { "create_campaign": { "arguments": { "conditions": { "$.options.mode": { "equals": "safe" }, "subject": { "not_in": ["spam"] } } } } } }
                """)!)
            .Add(c => c.Name, "create_campaign")
            .Add(c => c.Tool, Tool("create_campaign", CampaignSchema)));

        Assert.Contains("Also in the JSON: conditions on $.options.mode", conditions.Markup, StringComparison.Ordinal);
        Assert.Contains("and in the JSON: not_in", conditions.Markup, StringComparison.Ordinal);
    }
}
