using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.Policy.Tests.Reference;

/// <summary>A randomly generated policy, kept as plain data so the reference interpreter never sees the engine's parser.</summary>
public sealed record ModelPolicy(
    string Default,
    IReadOnlyList<ModelRule> Tools,
    IReadOnlyList<ModelRule> Classes,
    IReadOnlyList<ModelRule> Resources,
    IReadOnlyList<ModelRule> Prompts)
{
    public string ToJson()
    {
        var policy = new JsonObject { ["version"] = "1", ["default"] = Default };
        if (Tools.Count > 0)
        {
            policy["tools"] = Section(Tools);
        }
        if (Classes.Count > 0)
        {
            policy["classes"] = new JsonArray([.. Classes.Select(rule => (JsonNode)rule.ToJson())]);
        }
        if (Resources.Count > 0)
        {
            policy["resources"] = Section(Resources);
        }
        if (Prompts.Count > 0)
        {
            policy["prompts"] = Section(Prompts);
        }
        return policy.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Section(IReadOnlyList<ModelRule> rules)
    {
        var section = new JsonObject();
        foreach (var rule in rules)
        {
            section[rule.Key!] = rule.ToJson();
        }
        return section;
    }
}

/// <summary>A rule: keyed by name or pattern (<see cref="Key"/>), or by class (<see cref="Risks"/>, <see cref="Categories"/>).</summary>
public sealed record ModelRule(
    string? Key,
    IReadOnlyList<string>? Risks,
    IReadOnlyList<string>? Categories,
    string Action,
    string? Reason,
    IReadOnlyList<ModelLimit> Limits,
    ModelLimit? RateLimit,
    IReadOnlyList<ModelCondition> Conditions,
    bool Shorthand)
{
    public JsonNode ToJson()
    {
        if (Shorthand)
        {
            return JsonValue.Create(Action);
        }
        var rule = new JsonObject();
        if (Risks is not null)
        {
            rule["risk"] = new JsonArray([.. Risks.Select(risk => (JsonNode)JsonValue.Create(risk))]);
        }
        if (Categories is not null)
        {
            rule["category"] = new JsonArray([.. Categories.Select(category => (JsonNode)JsonValue.Create(category))]);
        }
        if (Action != "allow")
        {
            rule["action"] = Action;
        }
        if (Reason is not null)
        {
            rule["reason"] = Reason;
        }
        if (Limits.Count > 0)
        {
            rule["limits"] = new JsonArray([.. Limits.Select(limit => (JsonNode)new JsonObject
            {
                ["counter"] = limit.Counter, ["window"] = limit.WindowSeconds, ["max"] = limit.Max, ["scope"] = limit.Scope,
            })]);
        }
        if (RateLimit is not null)
        {
            rule["rate_limit"] = new JsonObject { ["max"] = RateLimit.Max, ["window"] = RateLimit.WindowSeconds, ["scope"] = RateLimit.Scope };
        }
        if (Conditions.Count > 0)
        {
            var conditions = new JsonObject();
            foreach (var condition in Conditions)
            {
                var body = new JsonObject { [condition.Operator] = JsonNode.Parse(condition.Operand) };
                if (condition.Optional)
                {
                    body["optional"] = true;
                }
                conditions[condition.Path] = body;
            }
            rule["arguments"] = new JsonObject { ["conditions"] = conditions };
        }
        return rule;
    }
}

public sealed record ModelLimit(string Counter, int WindowSeconds, int Max, string Scope);

/// <summary>One condition with one operator; <see cref="Operand"/> is JSON text.</summary>
public sealed record ModelCondition(string Path, string Operator, string Operand, bool Optional);

/// <summary>A call to decide; <see cref="Arguments"/> is JSON text or null.</summary>
public sealed record ModelCall(string Section, string Name, string? Arguments, ToolClass? Class);

public sealed record Scenario(ModelPolicy Policy, IReadOnlyList<ModelCall> Calls)
{
    public override string ToString() =>
        Policy.ToJson() + Environment.NewLine + string.Join(Environment.NewLine, Calls);
}
