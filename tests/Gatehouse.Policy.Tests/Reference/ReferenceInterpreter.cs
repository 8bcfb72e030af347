using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Policy.Tests.Reference;

/// <summary>What the reference interpreter decides; the counters as (name, seconds, max, scope).</summary>
public sealed record ReferenceDecision(
    DecisionKind Kind,
    string Rule,
    IReadOnlyList<(string Name, int Seconds, int Max, string Scope)> Counters,
    string? ViolatedPath,
    string? ViolatedOperator);

/// <summary>
/// The policy language read straight from its documentation, as naively as possible: every rule is
/// tried in turn, globs are matched by backtracking, patterns by the backtracking regex engine.
/// Nothing here is shared with the engine, so agreement on random policies means something.
/// </summary>
public static partial class ReferenceInterpreter
{
    public static ReferenceDecision Decide(ModelPolicy policy, ModelCall call)
    {
        var (rule, section) = Select(policy, call);
        if (rule is null)
        {
            return new ReferenceDecision(policy.Default == "deny" ? DecisionKind.Deny : DecisionKind.Allow, "default", [], null, null);
        }
        var id = RuleId(rule, section, policy);
        if (rule.Action == "deny")
        {
            return new ReferenceDecision(DecisionKind.Deny, id, [], null, null);
        }
        var arguments = call.Arguments is null ? JsonDocument.Parse("{}").RootElement : JsonDocument.Parse(call.Arguments).RootElement;
        foreach (var condition in rule.Conditions)
        {
            if (!Holds(condition, arguments))
            {
                return new ReferenceDecision(DecisionKind.InvalidArguments, id, [], "$." + condition.Path.Replace("$.", "", StringComparison.Ordinal), condition.Operator);
            }
        }
        var counters = rule.Limits.Select(limit => (limit.Counter, limit.WindowSeconds, limit.Max, limit.Scope)).ToList();
        if (rule.RateLimit is { } rate)
        {
            counters.Add((id, rate.WindowSeconds, rate.Max, rate.Scope));
        }
        return new ReferenceDecision(rule.Action == "allow" ? DecisionKind.Allow : DecisionKind.RequireApproval, id, counters, null, null);
    }

    /// <summary>Whether the call's item would be listed: the selected rule (or default) does not deny.</summary>
    public static bool Visible(ModelPolicy policy, ModelCall call)
    {
        var (rule, _) = Select(policy, call);
        return rule is null ? policy.Default != "deny" : rule.Action != "deny";
    }

    private static (ModelRule? Rule, string Section) Select(ModelPolicy policy, ModelCall call)
    {
        var rules = call.Section switch
        {
            "tools" => policy.Tools,
            "resources" => policy.Resources,
            _ => policy.Prompts,
        };
        var exact = rules.FirstOrDefault(rule => !rule.Key!.Contains('*', StringComparison.Ordinal) && rule.Key == call.Name);
        if (exact is not null)
        {
            return (exact, call.Section);
        }
        var glob = MostRestrictiveFirst(rules.Where(rule => rule.Key!.Contains('*', StringComparison.Ordinal) && GlobMatches(rule.Key, call.Name)));
        if (glob is not null)
        {
            return (glob, call.Section);
        }
        if (call.Section == "tools" && call.Class is { } toolClass)
        {
            return (MostRestrictiveFirst(policy.Classes.Where(rule => ClassMatches(rule, toolClass))), "classes");
        }
        return (null, call.Section);
    }

    private static ModelRule? MostRestrictiveFirst(IEnumerable<ModelRule> matching)
    {
        ModelRule? best = null;
        foreach (var rule in matching)
        {
            if (best is null || Severity(rule.Action) > Severity(best.Action))
            {
                best = rule;
            }
        }
        return best;
    }

    private static int Severity(string action) => action switch
    {
        "deny" => 2,
        "require_approval" => 1,
        _ => 0,
    };

    private static bool GlobMatches(string pattern, string name)
    {
        if (pattern.Length == 0)
        {
            return name.Length == 0;
        }
        if (pattern[0] == '*')
        {
            for (var skip = 0; skip <= name.Length; skip++)
            {
                if (GlobMatches(pattern[1..], name[skip..]))
                {
                    return true;
                }
            }
            return false;
        }
        return name.Length > 0 && name[0] == pattern[0] && GlobMatches(pattern[1..], name[1..]);
    }

    private static bool ClassMatches(ModelRule rule, ToolClass toolClass) =>
        (rule.Risks is null || rule.Risks.Contains(toolClass.Risk.ToString().ToLowerInvariant()))
        && (rule.Categories is null || rule.Categories.Contains(toolClass.Category.ToString().ToLowerInvariant()));

    private static string RuleId(ModelRule rule, string section, ModelPolicy policy)
    {
        if (section == "classes")
        {
            return $"classes[{policy.Classes.ToList().IndexOf(rule)}]";
        }
        return Identifier().IsMatch(rule.Key!)
            ? $"{section}.{rule.Key}"
            : $"{section}[\"{rule.Key}\"]";
    }

    private static bool Holds(ModelCondition condition, JsonElement arguments)
    {
        var name = condition.Path.Replace("$.", "", StringComparison.Ordinal);
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty(name, out var value))
        {
            return condition.Optional;
        }
        var operand = JsonDocument.Parse(condition.Operand).RootElement;
        return condition.Operator switch
        {
            "equals" => SameValue(value, operand),
            "in" => operand.EnumerateArray().Any(candidate => SameValue(value, candidate)),
            "not_in" => !operand.EnumerateArray().Any(candidate => SameValue(value, candidate)),
            "min" => value.ValueKind == JsonValueKind.Number && value.GetDouble() >= operand.GetDouble(),
            "max" => value.ValueKind == JsonValueKind.Number && value.GetDouble() <= operand.GetDouble(),
            "pattern" => value.ValueKind == JsonValueKind.String && Regex.IsMatch(value.GetString()!, "^(?:" + operand.GetString() + ")$"),
            "max_length" => value.ValueKind == JsonValueKind.String && value.GetString()!.EnumerateRunes().Count() <= operand.GetInt32(),
            "max_items" => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= operand.GetInt32(),
            _ => throw new InvalidOperationException(condition.Operator),
        };
    }

    // Generated values are small integers, short strings and arrays of small integers.
    private static bool SameValue(JsonElement a, JsonElement b) =>
        a.ValueKind == b.ValueKind && a.ValueKind switch
        {
            JsonValueKind.Number => a.GetDouble() == b.GetDouble(),
            JsonValueKind.String => a.GetString() == b.GetString(),
            JsonValueKind.Array => a.GetArrayLength() == b.GetArrayLength() && a.EnumerateArray().Zip(b.EnumerateArray()).All(pair => SameValue(pair.First, pair.Second)),
            _ => true,
        };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
