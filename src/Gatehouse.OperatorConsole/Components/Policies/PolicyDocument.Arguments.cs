using System.Text.Json.Nodes;
using Gatehouse.Policy;

namespace Gatehouse.OperatorConsole.Components.Policies;

// A rule's argument conditions (arguments.conditions), one top-level argument at a time, as the builder offers them
// from the tool's input schema. The argument schema, if the rule has one, is left as written.
public sealed partial class PolicyDocument
{
    /// <summary>The operators that may stand in a condition besides <c>optional</c>, as docs/policy.md lists them.</summary>
    public static readonly IReadOnlyList<string> ConditionOperators = ["equals", "in", "not_in", "min", "max", "pattern", "max_length", "max_items"];

    /// <summary>
    /// The condition the rule for <paramref name="name"/> sets on the top-level argument <paramref name="argument"/>,
    /// however its path is spelt (<c>lists</c>, <c>$.lists</c>, <c>$["lists"]</c>); null when there is none.
    /// </summary>
    public JsonObject? ConditionOn(string name, string argument) =>
        Conditions(name) is { } conditions && KeyOf(conditions, argument) is { } key ? conditions[key] as JsonObject : null;

    /// <summary>The paths the rule for <paramref name="name"/> has conditions on, as written.</summary>
    public IReadOnlyList<string> ConditionPaths(string name) => Conditions(name) is { } conditions ? [.. conditions.Select(c => c.Key)] : [];

    /// <summary>
    /// Sets operator <paramref name="op"/> (or <c>optional</c>) of the condition on <paramref name="argument"/> in the rule
    /// for <paramref name="name"/>; a null value removes it. A new condition lets a missing value pass unless the schema
    /// <paramref name="required"/> it, since the server would otherwise fill in a default no condition checked. A
    /// condition left with no operator goes, and so do the <c>conditions</c> and <c>arguments</c> it leaves empty.
    /// Nothing happens when there is no such rule: a condition alone would change which rule decides.
    /// </summary>
    public void SetCondition(string name, string argument, string op, JsonNode? value, bool required)
    {
        if (RuleObject(name) is not { } rule)
        {
            return;
        }

        var conditions = (rule["arguments"] as JsonObject)?["conditions"] as JsonObject;
        var key = (conditions is null ? null : KeyOf(conditions, argument)) ?? NewKey(argument);
        if (conditions?[key] is not JsonObject condition)
        {
            if (value is null)
            {
                return;
            }

            condition = required ? [] : new JsonObject { ["optional"] = true };
            if (rule["arguments"] is not JsonObject arguments)
            {
                arguments = [];
                rule["arguments"] = arguments;
            }

            if (conditions is null)
            {
                conditions = [];
                arguments["conditions"] = conditions;
            }

            conditions[key] = condition;
        }

        Set(condition, op, value);
        if (condition.All(o => o.Key == "optional"))
        {
            conditions!.Remove(key);
            var arguments = (JsonObject)rule["arguments"]!;
            if (conditions.Count == 0)
            {
                arguments.Remove("conditions");
            }

            if (arguments.Count == 0)
            {
                rule.Remove("arguments");
            }
        }
    }

    // A plain word is written as it is, the way people write conditions (docs/policy.md); any other name in brackets.
    private static string NewKey(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? argument : ArgumentPaths.OfMember(argument);

    // An argument schema, or anything else the form has no field for, is edited in the JSON.
    private static bool HasArgumentsBeyondConditions(JsonObject rule) =>
        rule["arguments"] is JsonNode arguments && (arguments is not JsonObject checks || checks.Any(c => c.Key != "conditions"));

    private JsonObject? Conditions(string name) =>
        (((_root["tools"] as JsonObject)?[name] as JsonObject)?["arguments"] as JsonObject)?["conditions"] as JsonObject;

    // By the path the compiler reads, never by the key's spelling: a key "a.b" is the nested $.a.b, not an argument named "a.b".
    private static string? KeyOf(JsonObject conditions, string argument)
    {
        var canonical = ArgumentPaths.OfMember(argument);
        return conditions.Select(c => c.Key).FirstOrDefault(key => ArgumentPaths.Canonical(key) == canonical);
    }

    // The rule for a tool as an object, a rule written as its action alone ("allow") spelt out so that it can hold more.
    private JsonObject? RuleObject(string name)
    {
        if (_root["tools"] is not JsonObject tools)
        {
            return null;
        }

        switch (tools[name])
        {
            case JsonObject rule:
                return rule;
            case JsonValue value when value.TryGetValue<string>(out var action):
                var spelt = new JsonObject { ["action"] = action };
                tools[name] = spelt;
                return spelt;
            default:
                return null;
        }
    }
}
