using static Gatehouse.Catalog.Tests.Classification.Tools;

namespace Gatehouse.Catalog.Tests.Classification;

/// <summary>What the input schema lets an agent send: code, recipients, many ids, money, addresses.</summary>
public sealed class SchemaSignalTests
{
    [Theory]
    [InlineData("sql", """{"type":"string"}""")]
    [InlineData("command", """{"type":"string","description":"Shell command"}""")]
    [InlineData("script", """{"type":["string","null"]}""")]
    [InlineData("pythonCode", """{"type":"string"}""")]
    [InlineData("cmd", """{"type":"array","items":{"type":"string"}}""")]
    [InlineData("code", """{"type":"string","description":"JavaScript to evaluate in the page"}""")]
    public void A_free_form_code_argument_makes_a_tool_execute_critical(string argument, string schema)
    {
        var classification = ToolClassifier.Classify(Named("do_thing", inputSchema: WithArgument(argument, schema)));

        Assert.Equal("execute, critical", Class(classification));
        Assert.Contains($"free-form '{argument}' string argument", classification.Rationale);
    }

    [Fact]
    public void A_read_only_hint_does_not_tame_a_free_form_sql_query()
    {
        var tool = Definition("""
            {"name":"read_query","description":"Execute a SELECT query on the SQLite database",
             "inputSchema":{"type":"object","properties":{"query":{"type":"string","description":"SELECT SQL query to execute"}}},
             "annotations":{"readOnlyHint":true}}
            """);

        var classification = ToolClassifier.Classify(tool);

        Assert.Equal("execute, critical", Class(classification));
        Assert.Contains("free-form 'query' string argument", classification.Rationale);
        Assert.Contains("more cautious reading", classification.Rationale);
    }

    [Theory]
    [InlineData("search_docs", "Search the documentation.", "query", """{"type":"string","description":"Words to look for"}""")]
    [InlineData("redeem_coupon", "Redeem a coupon.", "code", """{"type":"string","description":"The coupon code"}""")]
    [InlineData("run_script", "Run one of the server's scripts.", "script", """{"type":"string","enum":["backup","report"]}""")]
    public void Queries_codes_and_chosen_scripts_are_not_free_form_code(string name, string description, string argument, string schema)
    {
        var classification = ToolClassifier.Classify(Named(name, description, WithArgument(argument, schema)));

        Assert.NotEqual(Policy.ToolRisk.Critical, classification.Risk);
        Assert.DoesNotContain("free-form", classification.Rationale);
    }

    [Fact]
    public void Code_nested_in_an_object_argument_is_found()
    {
        var tool = Definition("""
            {"name":"configure_job","inputSchema":{"type":"object","properties":{
              "options":{"type":"object","properties":{"steps":{"type":"array","items":{"type":"object","properties":{"command":{"type":"string"}}}}}}}}}
            """);

        var classification = ToolClassifier.Classify(tool);

        Assert.Equal("execute, critical", Class(classification));
        Assert.Contains("free-form 'options.steps.command' string argument", classification.Rationale);
    }

    [Fact]
    public void Code_in_one_of_several_alternative_schemas_is_found()
    {
        var tool = Definition("""
            {"name":"job","inputSchema":{"type":"object","anyOf":[{"properties":{"name":{"type":"string"}}},{"properties":{"shell":{"type":"string"}}}]}}
            """);

        Assert.Equal("execute, critical", Class(ToolClassifier.Classify(tool)));
    }

    [Fact]
    public void A_recipient_list_widens_a_send()
    {
        var toMany = ToolClassifier.Classify(Named("send_email", inputSchema: WithArgument("to", """{"type":"array","items":{"type":"string"}}""")));
        var toOne = ToolClassifier.Classify(Named("send_email", inputSchema: WithArgument("to", """{"type":"string"}""")));

        Assert.Equal("execute, high", Class(toMany));
        Assert.Contains("recipient list argument 'to'", toMany.Rationale);
        Assert.Equal("execute, medium", Class(toOne));
    }

    [Fact]
    public void A_list_of_lists_to_subscribe_to_is_not_an_audience_when_nothing_is_sent()
    {
        var classification = ToolClassifier.Classify(Named("add_subscriber", inputSchema: WithArgument("lists", """{"type":"array","items":{"type":"integer"}}""")));

        Assert.Equal("write, medium", Class(classification));
    }

    [Theory]
    [InlineData("delete_subscribers", "subscriber_ids", """{"type":"array","items":{"type":"integer"}}""", "destructive, critical", "id list argument 'subscriber_ids'")]
    [InlineData("update_subscribers", "ids", """{"type":"array"}""", "write, high", "id list argument 'ids'")]
    [InlineData("delete_messages", "all", """{"type":"boolean"}""", "destructive, critical", "flag argument 'all'")]
    [InlineData("remove_directory", "recursive", """{"type":"boolean"}""", "destructive, critical", "flag argument 'recursive'")]
    [InlineData("create_invoice", "amount", """{"type":"number"}""", "write, high", "money argument 'amount'")]
    [InlineData("fetch_page", "url", """{"type":"string"}""", "read, medium", "URL argument 'url'")]
    [InlineData("import_feed", "source", """{"type":"string","format":"uri"}""", "write, medium", "URL argument 'source'")]
    public void Arguments_that_reach_further_raise_the_risk(string name, string argument, string schema, string expected, string signal)
    {
        var classification = ToolClassifier.Classify(Named(name, inputSchema: WithArgument(argument, schema)));

        Assert.Equal(expected, Class(classification));
        Assert.Contains(signal, classification.Rationale);
    }

    [Fact]
    public void Ids_and_amounts_in_a_read_are_only_what_it_reads()
    {
        var classification = ToolClassifier.Classify(Named("get_invoices", inputSchema: WithArgument("ids", """{"type":"array"}""")));

        Assert.Equal("read, low", Class(classification));
    }
}
