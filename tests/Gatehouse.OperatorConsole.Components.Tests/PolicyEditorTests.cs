using System.Text.Json.Nodes;
using Gatehouse.OperatorConsole.Components.Policies;

namespace Gatehouse.OperatorConsole.Components.Tests;

/// <summary>The builder's form and its JSON side by side: a change to either shows in the other, and what the form does not show stays.</summary>
public sealed class PolicyEditorTests : ConsoleComponentTest
{
    private const string Policy = """
        {
          "version": "1",
          "default": "deny",
          "tools": {
            "send_campaign": {
              "limits": [ { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant", "algorithm": "smooth" } ],
              "arguments": { "schema": { "type": "object", "required": ["campaign_id"] } },
              "redact": ["$.campaign_id"]
            }
          }
        }
        """;

    private PolicyDraft? _edited;

    private IRenderedComponent<PolicyEditor> RenderEditor(string text = Policy) => Render<PolicyEditor>(p => p
        .Add(e => e.Text, text)
        .Add(e => e.Tools, [Tool("send_campaign", CampaignSchema), Tool("create_campaign", CampaignSchema)])
        .Add(e => e.Edited, draft => _edited = draft));

    private static JsonNode Json(IRenderedComponent<PolicyEditor> editor) => JsonNode.Parse(editor.Find("#policy-json").GetAttribute("value")!)!;

    [Fact]
    public void Editing_the_form_changes_the_JSON_and_keeps_what_the_form_does_not_show()
    {
        var editor = RenderEditor();

        editor.Find("select[aria-label='Rule for create_campaign']").Change("allow");
        editor.Find("button[aria-label='Limits and arguments of create_campaign']").Click();
        editor.Find("input[aria-label='Max items of lists in create_campaign']").Change("2");
        editor.Find("input[aria-label='Max of campaign_id in create_campaign']").Change("100");
        editor.Find("select#default").Change("allow");

        var json = Json(editor);
        Assert.Equal("""{"action":"allow","arguments":{"conditions":{"lists":{"optional":true,"max_items":2},"campaign_id":{"max":100}}}}""",
            json["tools"]!["create_campaign"]!.ToJsonString());
        Assert.Equal("allow", (string?)json["default"]);
        // The rule's schema, redaction and the counter's algorithm, which the form has no field for, are as written.
        var kept = JsonNode.Parse(Policy)!["tools"]!["send_campaign"]!;
        Assert.True(JsonNode.DeepEquals(kept, json["tools"]!["send_campaign"]), json["tools"]!["send_campaign"]!.ToJsonString());
        Assert.NotNull(_edited);
        Assert.True(_edited.Compiled.Succeeded, string.Join("\n", _edited.Compiled.Errors));
        Assert.Equal(editor.Find("#policy-json").GetAttribute("value"), _edited.Text);
    }

    [Fact]
    public void A_rule_with_only_conditions_is_all_in_the_form_and_one_with_a_schema_says_there_is_more()
    {
        var editor = RenderEditor();

        editor.Find("select[aria-label='Rule for create_campaign']").Change("allow");
        editor.Find("button[aria-label='Limits and arguments of create_campaign']").Click();
        editor.Find("input[aria-label='Max length of subject in create_campaign']").Change("200");

        var rows = editor.FindAll("table.policy-rules > tbody > tr");
        Assert.DoesNotContain("more in JSON", rows.Single(r => r.QuerySelector("select[aria-label='Rule for create_campaign']") is not null).TextContent, StringComparison.Ordinal);
        Assert.Contains("more in JSON", rows.Single(r => r.QuerySelector("select[aria-label='Rule for send_campaign']") is not null).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Editing_the_JSON_changes_the_form()
    {
        var editor = RenderEditor();

        editor.Find("#policy-json").Input("""
            {
              "version": "1",
              "default": "deny",
              "tools": {
                "create_campaign": {
                  "action": "require_approval",
                  "approvers": ["alice"],
                  "limits": [ { "counter": "campaigns", "window": "1h", "max": 3, "scope": "identity" } ],
                  "arguments": { "conditions": { "$.subject": { "max_length": 200 }, "content_type": { "in": ["plain"], "optional": true } } }
                }
              }
            }
            """);
        editor.Find("button[aria-label='Limits and arguments of create_campaign']").Click();

        Assert.Equal("require_approval", editor.Find("select[aria-label='Rule for create_campaign']").GetAttribute("value"));
        Assert.Equal("alice", editor.Find("input[aria-label='Approvers of create_campaign']").GetAttribute("value"));
        Assert.Equal(("campaigns", "3", "1h", "identity"), (
            editor.Find("input[aria-label='Counter 1 of create_campaign']").GetAttribute("value"),
            editor.Find("input[aria-label='Max of counter 1 of create_campaign']").GetAttribute("value"),
            editor.Find("input[aria-label='Window of counter 1 of create_campaign']").GetAttribute("value"),
            editor.Find("select[aria-label='Scope of counter 1 of create_campaign']").GetAttribute("value")));
        // "$.subject" is the argument subject, however it is spelt.
        Assert.Equal("200", editor.Find("input[aria-label='Max length of subject in create_campaign']").GetAttribute("value"));
        var allowed = editor.Find("[aria-label='Allowed values of content_type in create_campaign']");
        Assert.Equal(["plain"], allowed.QuerySelectorAll("input:checked").Select(box => box.ParentElement!.TextContent.Trim()));
        Assert.Equal("deny", editor.Find("select#default").GetAttribute("value"));
    }

    [Fact]
    public void JSON_that_does_not_compile_shows_the_compilers_errors_with_line_and_column()
    {
        var editor = RenderEditor();

        editor.Find("#policy-json").Input("""
            {
              "version": "1",
              "tools": { "create_campaign": { "actoin": "allow" } }
            }
            """);

        var error = editor.Find("ul.policy-errors li").TextContent;
        Assert.StartsWith("3:", error, StringComparison.Ordinal);
        Assert.Contains("did you mean \"action\"", error, StringComparison.Ordinal);
        Assert.False(_edited!.Compiled.Succeeded);

        editor.Find("#policy-json").Input("{ \"version\": ");

        Assert.Contains("not an object the form can show", editor.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_counter_added_in_the_form_is_written_in_the_long_form_and_compiles()
    {
        var editor = RenderEditor();

        editor.Find("select[aria-label='Rule for create_campaign']").Change("allow");
        editor.Find("button[aria-label='Limits and arguments of create_campaign']").Click();
        editor.FindAll("button").Single(b => b.TextContent == "Add a counter").Click();
        editor.Find("input[aria-label='Max of counter 1 of create_campaign']").Change("5");
        editor.Find("input[aria-label='Window of counter 1 of create_campaign']").Change("3600");
        editor.Find("select[aria-label='Scope of counter 1 of create_campaign']").Change("global");

        Assert.Equal("""[{"counter":"create_campaign_rate","window":3600,"max":5,"scope":"global"}]""", Json(editor)["tools"]!["create_campaign"]!["limits"]!.ToJsonString());
        Assert.True(_edited!.Compiled.Succeeded, string.Join("\n", _edited.Compiled.Errors));

        editor.Find("button[aria-label='Remove counter 1 of create_campaign']").Click();

        Assert.Null(Json(editor)["tools"]!["create_campaign"]!["limits"]);
    }
}
