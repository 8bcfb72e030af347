using System.Text.Json.Nodes;
using Gatehouse.OperatorConsole.Components.Policies;

namespace Gatehouse.OperatorConsole.Components.Tests;

/// <summary>A dry run's arguments, asked argument by argument as the tool's schema types them, or written as JSON.</summary>
public sealed class PolicyDryRunTests : ConsoleComponentTest
{
    private const string Policy = """
        { "version": "1", "tools": { "create_campaign": { "arguments": { "conditions": { "lists": { "max_items": 2, "optional": true } } } } } }
        """;

    private readonly List<JsonObject> _kept = [];

    private IRenderedComponent<PolicyDryRun> RenderDryRun() => Render<PolicyDryRun>(p => p
        .Add(d => d.Compiled, Compile(Policy))
        .Add(d => d.Tools, [Tool("create_campaign", CampaignSchema)])
        .Add(d => d.Grant, "marketing")
        .Add(d => d.Keep, testCase =>
        {
            _kept.Add(testCase);
            return Task.FromResult("Kept as case 1 of policy.cases.json");
        }));

    private static IEnumerable<(string Label, string Tag, string? Type)> Fields(IRenderedComponent<PolicyDryRun> dryRun) =>
        dryRun.FindAll("[id^='dry-argument-']").Select(field => (
            dryRun.Find($"label[for='{field.Id}']").FirstChild!.TextContent.Trim(), field.TagName.ToLowerInvariant(), field.GetAttribute("type")));

    [Fact]
    public void Each_argument_gets_a_field_of_its_type()
    {
        var dryRun = RenderDryRun();

        Assert.Equal(
            [("campaign_id", "input", "number"), ("subject", "input", "text"), ("content_type", "select", null), ("lists", "input", "text"), ("send_now", "select", null)],
            Fields(dryRun));
        Assert.Equal(["", "html", "plain", "markdown"], dryRun.FindAll("#dry-argument-2 option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public void A_call_made_in_the_form_is_decided_and_can_be_kept_as_a_test_case()
    {
        var dryRun = RenderDryRun();

        dryRun.Find("#dry-argument-0").Input("3");
        dryRun.Find("#dry-argument-2").Change("plain");
        dryRun.Find("#dry-argument-3").Input("[1, 2, 3]");
        dryRun.FindAll("button").Single(b => b.TextContent == "Try it").Click();

        var trace = dryRun.Find("[aria-label='Decision and trace']").TextContent;
        Assert.Contains("decision: invalid_arguments by tools.create_campaign", trace, StringComparison.Ordinal);
        Assert.Contains("max_items", trace, StringComparison.Ordinal);

        dryRun.FindAll("button").Single(b => b.TextContent == "Keep as a test case").Click();

        var kept = Assert.Single(_kept);
        Assert.Equal(
            """{"name":"create_campaign {\"campaign_id\":3,\"content_type\":\"plain\",\"lists\":[1,2,3]}","grant":"marketing","tool":"create_campaign","arguments":{"campaign_id":3,"content_type":"plain","lists":[1,2,3]},"class":{"risk":"medium","category":"write"},"expect":"invalid_arguments","rule":"tools.create_campaign"}""",
            kept.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        Assert.Contains("Kept as case 1", dryRun.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void The_arguments_carry_over_between_the_form_and_JSON()
    {
        var dryRun = RenderDryRun();

        dryRun.Find("#dry-argument-1").Input("Hello");
        dryRun.Find("#dry-argument-4").Change("true");
        dryRun.Find("input[type=checkbox]").Change(true);

        Assert.Equal("""{"subject":"Hello","send_now":true}""", JsonNode.Parse(dryRun.Find("#dry-arguments").GetAttribute("value")!)!.ToJsonString());

        dryRun.Find("#dry-arguments").Input("""{ "subject": "Bye", "lists": [4] }""");
        dryRun.Find("input[type=checkbox]").Change(false);

        Assert.Equal(("Bye", "[4]", ""), (dryRun.Find("#dry-argument-1").GetAttribute("value"), dryRun.Find("#dry-argument-3").GetAttribute("value"), dryRun.Find("#dry-argument-4").GetAttribute("value")));
    }
}
