using System.Text.Json.Nodes;
using Gatehouse.OperatorConsole.Components.Policies;
using Gatehouse.Policy;

namespace Gatehouse.OperatorConsole.Components.Tests;

/// <summary>The policy builder's form and its JSON: each change of one shows in the other, and what the form does not show stays.</summary>
public sealed class PolicyDocumentTests
{
    private const string Policy = """
        {
          "version": "1",
          "default": "deny",
          "tools": {
            "create_campaign": { "arguments": { "conditions": { "lists": { "max_items": 2 } } } },
            "import_subscribers": "require_approval"
          }
        }
        """;

    [Fact]
    public void The_form_reads_each_rule_the_JSON_has_short_or_long()
    {
        var document = PolicyDocument.TryParse(Policy)!;

        Assert.Equal(["create_campaign", "import_subscribers"], document.ToolRules);
        // Conditions are in the form: only what it has no field for (an argument schema, redactions) is "more in the JSON".
        Assert.Equal(new ToolRule("allow", null, null, null, Detailed: false), document.RuleFor("create_campaign"));
        Assert.Equal(new ToolRule("require_approval", null, null, null, Detailed: false), document.RuleFor("import_subscribers"));
        Assert.Null(document.RuleFor("send_campaign"));
        Assert.Equal("deny", document.Default);
    }

    [Fact]
    public void A_rule_set_in_the_form_is_written_to_the_JSON_and_compiles()
    {
        var document = PolicyDocument.TryParse(Policy)!;

        document.SetRule("delete_*", "deny", "Deleting is for people.", max: null, windowSeconds: null);
        document.SetRule("send_campaign", "allow", null, max: 2, windowSeconds: 60);
        document.SetRule("schedule_campaign", "require_approval", null, null, null);
        var json = document.ToJson();

        var tools = JsonNode.Parse(json)!["tools"]!;
        Assert.Equal("""{"action":"deny","reason":"Deleting is for people."}""", tools["delete_*"]!.ToJsonString());
        Assert.Equal("""{"action":"allow","rate_limit":{"max":2,"window":60}}""", tools["send_campaign"]!.ToJsonString());
        Assert.True(PolicyCompiler.Compile(json).Succeeded, string.Join("\n", PolicyCompiler.Compile(json).Errors));
        Assert.Equal(new ToolRule("allow", null, 2, 60, Detailed: false), PolicyDocument.TryParse(json)!.RuleFor("send_campaign"));
    }

    [Fact]
    public void What_the_form_does_not_show_is_kept_and_what_a_denial_cannot_have_is_dropped()
    {
        var document = PolicyDocument.TryParse(Policy)!;

        document.SetRule("create_campaign", "allow", null, max: 5, windowSeconds: 3600);
        Assert.NotNull(JsonNode.Parse(document.ToJson())!["tools"]!["create_campaign"]!["arguments"]);

        document.SetRule("create_campaign", "deny", "No.", max: 5, windowSeconds: 3600);
        var denied = JsonNode.Parse(document.ToJson())!["tools"]!["create_campaign"]!.AsObject();
        Assert.Equal(["action", "reason"], denied.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(PolicyCompiler.Compile(document.ToJson()).Succeeded);

        document.SetRule("create_campaign", action: null, null, null, null);
        Assert.Null(document.RuleFor("create_campaign"));
    }

    [Fact]
    public void Who_releases_a_held_call_is_set_in_the_form_and_compiles()
    {
        var document = PolicyDocument.TryParse(Policy)!;

        document.SetRule("send_campaign", "require_approval", "A person looks first.", null, null);
        document.SetApproval("send_campaign", ["alice", " bob ", "", "alice"], approvals: 2, timeout: "30m");

        var rule = document.RuleFor("send_campaign")!;
        Assert.Equal(["alice", "bob"], rule.Approvers);
        Assert.Equal((2, "30m", false), (rule.Approvals, rule.Timeout, rule.Detailed));
        Assert.True(PolicyCompiler.Compile(document.ToJson()).Succeeded, string.Join("\n", PolicyCompiler.Compile(document.ToJson()).Errors));

        // Allowed again: fields only a held call has are dropped, as the compiler requires.
        document.SetRule("send_campaign", "allow", null, null, null);
        Assert.Equal(["action"], JsonNode.Parse(document.ToJson())!["tools"]!["send_campaign"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Rules_by_class_are_added_read_and_removed_and_compile()
    {
        var document = PolicyDocument.TryParse(Policy)!;

        document.AddClassRule("high", null, "require_approval", null);
        document.AddClassRule(null, "destructive", "deny", "Nothing destructive without a person.");

        Assert.Equal(
            [new ClassRule(0, ["high"], [], "require_approval", null), new ClassRule(1, [], ["destructive"], "deny", "Nothing destructive without a person.")],
            document.ClassRules, (a, b) => a.Index == b.Index && a.Risks.SequenceEqual(b.Risks) && a.Categories.SequenceEqual(b.Categories) && a.Action == b.Action && a.Reason == b.Reason);
        Assert.True(PolicyCompiler.Compile(document.ToJson()).Succeeded, string.Join("\n", PolicyCompiler.Compile(document.ToJson()).Errors));

        document.RemoveClassRule(0);
        document.RemoveClassRule(0);
        Assert.Empty(document.ClassRules);
        Assert.Null(JsonNode.Parse(document.ToJson())!["classes"]);
    }

    [Fact]
    public void A_condition_is_written_under_the_argument_however_its_path_is_spelt_and_goes_when_it_has_no_operator()
    {
        var document = PolicyDocument.TryParse("""
            { "version": "1", "tools": { "send_campaign": { "arguments": { "schema": { "type": "object" }, "conditions": { "$[\"list_ids\"]": { "max_items": 2 } } } }, "import_subscribers": "require_approval" } }
            """)!;

        document.SetCondition("send_campaign", "list_ids", "max_items", 3, required: false);
        document.SetCondition("send_campaign", "send at", "pattern", "[0-9:]*", required: false);
        document.SetCondition("send_campaign", "campaign_id", "min", 1, required: true);

        var arguments = JsonNode.Parse(document.ToJson())!["tools"]!["send_campaign"]!["arguments"]!;
        Assert.Equal(["$[\"list_ids\"]", "$[\"send at\"]", "campaign_id"], arguments["conditions"]!.AsObject().Select(c => c.Key));
        Assert.Equal(["""{"max_items":3}""", """{"optional":true,"pattern":"[0-9:]*"}""", """{"min":1}"""], arguments["conditions"]!.AsObject().Select(c => c.Value!.ToJsonString()));
        Assert.Contains("\"$[\\\"send at\\\"]\": {", document.ToJson(), StringComparison.Ordinal);
        Assert.True(PolicyCompiler.Compile(document.ToJson()).Succeeded, string.Join("\n", PolicyCompiler.Compile(document.ToJson()).Errors));
        Assert.True(document.RuleFor("send_campaign")!.Detailed);

        foreach (var (argument, op) in new[] { ("list_ids", "max_items"), ("send at", "pattern"), ("campaign_id", "min") })
        {
            document.SetCondition("send_campaign", argument, op, null, required: false);
        }

        Assert.Equal("""{"schema":{"type":"object"}}""", JsonNode.Parse(document.ToJson())!["tools"]!["send_campaign"]!["arguments"]!.ToJsonString());
        document.SetCondition("import_subscribers", "list_ids", "max_items", 1, required: false);
        Assert.Equal("""{"action":"require_approval","arguments":{"conditions":{"list_ids":{"optional":true,"max_items":1}}}}""",
            JsonNode.Parse(document.ToJson())!["tools"]!["import_subscribers"]!.ToJsonString());
        document.SetCondition("no_rule_yet", "list_ids", "max_items", 1, required: false);
        Assert.Null(document.RuleFor("no_rule_yet"));
    }

    [Fact]
    public void Text_that_is_not_a_JSON_object_gives_no_document()
    {
        Assert.Null(PolicyDocument.TryParse("{ \"version\": "));
        Assert.Null(PolicyDocument.TryParse("[]"));
    }

    [Fact]
    public void A_condition_on_a_nested_path_is_not_shown_as_one_on_an_argument_whose_name_looks_like_it()
    {
        var document = PolicyDocument.TryParse("""{ "version": "1", "tools": { "t": { "arguments": { "conditions": { "a.b": { "max": 1 } } } } } }""")!;

        Assert.Null(document.ConditionOn("t", "a.b"));
        Assert.Equal(["a.b"], document.ConditionPaths("t"));
    }
}
