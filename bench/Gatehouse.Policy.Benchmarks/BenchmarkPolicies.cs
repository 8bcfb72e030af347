using System.Text;

namespace Gatehouse.Policy.Benchmarks;

/// <summary>The policies the benchmarks decide against, compiled once per run.</summary>
public static class BenchmarkPolicies
{
    public const string Verbatim = """
        { "version": "1", "default": "deny",
          "tools": { "send_campaign": { "limits": [
            { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" } ] } } }
        """;

    public const string SchemaChecked = """
        { "version": "1", "default": "deny",
          "tools": { "send_campaign": {
            "limits": [ { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" } ],
            "arguments": { "schema": {
              "type": "object",
              "properties": {
                "campaign_id": { "type": "integer", "minimum": 1 },
                "list_ids": { "type": "array", "items": { "type": "integer" }, "maxItems": 2 },
                "subject": { "type": "string", "maxLength": 200 }
              },
              "required": ["campaign_id"],
              "additionalProperties": false } } } } }
        """;

    public const string ConditionChecked = """
        { "version": "1", "default": "deny",
          "tools": { "send_campaign": {
            "limits": [ { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" } ],
            "arguments": { "conditions": {
              "campaign_id": { "min": 1 },
              "list_ids": { "max_items": 2 },
              "subject": { "max_length": 200, "pattern": "[^<>]*", "optional": true } } } } } }
        """;

    /// <summary>
    /// 500 rules of every selector shape: 200 exact names, 200 prefix globs, 80 suffix globs, 15 infix
    /// globs and 5 unanchored globs that every name is tested against.
    /// </summary>
    public static string FiveHundredRules()
    {
        var rules = new List<string>();
        string[] actions = ["\"allow\"", "\"allow\"", "\"allow\"", "\"require_approval\"", "{ \"action\": \"deny\", \"reason\": \"no\" }"];
        for (var i = 0; i < 200; i++)
        {
            rules.Add($"\"svc{i}_get\": {{ \"rate_limit\": {{ \"max\": 100, \"window\": 60 }} }}");
            rules.Add($"\"svc{i}_*\": {actions[i % actions.Length]}");
        }
        for (var i = 0; i < 80; i++)
        {
            rules.Add($"\"*_op{i}\": {actions[i % actions.Length]}");
        }
        for (var i = 0; i < 15; i++)
        {
            rules.Add($"\"ns{i}.*.get_*\": \"allow\"");
        }
        for (var i = 0; i < 5; i++)
        {
            rules.Add($"\"*secret{i}*\": {{ \"action\": \"deny\" }}");
        }
        var text = new StringBuilder("{ \"version\": \"1\", \"default\": \"deny\", \"tools\": {\n");
        text.AppendJoin(",\n", rules);
        return text.Append("\n} }").ToString();
    }
}
