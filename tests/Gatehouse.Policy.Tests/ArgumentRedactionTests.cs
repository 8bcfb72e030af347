using System.Text.Json.Nodes;

namespace Gatehouse.Policy.Tests;

public class ArgumentRedactionTests
{
    [Fact]
    public void A_rules_redact_paths_replace_exactly_the_values_they_name()
    {
        var decision = Policies.Tools("""
            { "import": { "redact": ["$.api_key", "$.options[\"db url\"]", "$.rows[1]", "$.absent.deeper"] } }
            """).DecideTool("import", null);
        var arguments = JsonNode.Parse("""{ "api_key": "k", "options": { "db url": "u", "mode": "fast" }, "rows": [1, 2, 3] }""");

        var redacted = ArgumentRedaction.Apply(arguments, decision.Redact);

        Assert.Equal("""{"api_key":"[redacted]","options":{"db url":"[redacted]","mode":"fast"},"rows":[1,"[redacted]",3]}""", redacted!.ToJsonString());
    }

    [Fact]
    public void Redacting_the_root_redacts_all_arguments()
    {
        var decision = Policies.Tools("""{ "t": { "redact": ["$"] } }""").DecideTool("t", null);

        Assert.Equal("\"[redacted]\"", ArgumentRedaction.Apply(JsonNode.Parse("""{ "a": 1 }"""), decision.Redact)!.ToJsonString());
        Assert.Null(ArgumentRedaction.Apply(null, decision.Redact));
    }
}
