using FsCheck;
using FsCheck.Fluent;

namespace Gatehouse.Policy.Tests.Reference;

/// <summary>
/// Random valid policies and calls over a tiny alphabet, so that names, globs and calls collide often and
/// every precedence rule gets exercised.
/// </summary>
public static class ScenarioGenerators
{
    private static readonly ModelLimit[] _counterPool =
    [
        new("c1", 60, 5, "grant"),
        new("c2", 1, 1, "global"),
        new("c3", 3600, 100, "identity"),
    ];

    private static readonly string[] _risks = ["low", "medium", "high", "critical"];
    private static readonly string[] _categories = ["read", "write", "execute", "destructive"];
    private static readonly string[] _patterns = ["a*", "a|b", "[ab]+", ".*", "b?"];

    public static Arbitrary<Scenario> Scenarios() => Arb.From(Scenario());

    private static Gen<Scenario> Scenario() =>
        from policy in Policy()
        from calls in Call().ListOf(25)
        select new Scenario(policy, [.. calls]);

    private static Gen<ModelPolicy> Policy() =>
        from fallback in Gen.Elements("allow", "deny")
        from tools in Rules(NameKey())
        from classes in ClassRule().ListOf().Select(list => list.Take(4).ToList())
        from resources in Rules(UriKey(), conditions: false)
        from prompts in Rules(NameKey())
        select new ModelPolicy(fallback, tools, classes, resources, prompts);

    private static Gen<List<ModelRule>> Rules(Gen<string> keys, bool conditions = true) =>
        from count in Gen.Choose(0, 8)
        from rules in Rule(keys, conditions).ListOf(count)
        select rules.DistinctBy(rule => rule.Key).ToList();

    private static Gen<ModelRule> Rule(Gen<string> keys, bool conditions) =>
        from key in keys
        from body in Body(conditions)
        select body with { Key = key };

    private static Gen<ModelRule> ClassRule() =>
        from risks in Subset(_risks)
        from categories in Subset(_categories)
        from body in Body(conditions: true)
        where risks is not null || categories is not null
        select body with { Risks = risks, Categories = categories, Shorthand = false };

    private static Gen<ModelRule> Body(bool conditions) =>
        from action in Gen.Elements("allow", "allow", "deny", "require_approval")
        from reason in Gen.Elements<string?>(null, "because")
        from limits in Gen.SubListOf(_counterPool)
        from rateLimit in Gen.OneOf(Gen.Constant<ModelLimit?>(null), RateLimit())
        from chosen in conditions ? Condition().ListOf().Select(list => list.Take(3).DistinctBy(c => c.Path).ToList()) : Gen.Constant(new List<ModelCondition>())
        from shorthand in Gen.Elements(true, false)
        let runs = action != "deny"
        let plain = reason is null && (!runs || (limits.Count == 0 && rateLimit is null && chosen.Count == 0))
        select new ModelRule(
            null, null, null, action, reason,
            runs ? [.. limits] : [],
            runs ? rateLimit : null,
            runs ? chosen : [],
            shorthand && plain);

    private static Gen<ModelLimit?> RateLimit() =>
        from max in Gen.Choose(1, 20)
        from window in Gen.Choose(1, 100)
        from scope in Gen.Elements("grant", "identity", "session", "global")
        select (ModelLimit?)new ModelLimit("", window, max, scope);

    private static Gen<ModelCondition> Condition() =>
        from path in Gen.Elements("x", "$.x", "$.y")
        from optional in Gen.Elements(true, false)
        from op in Gen.OneOf(
            Value().Select(value => ("equals", value)),
            Value().ListOf().Where(list => list.Count > 0).Select(list => ("in", "[" + string.Join(",", list.Take(3)) + "]")),
            Value().ListOf().Where(list => list.Count > 0).Select(list => ("not_in", "[" + string.Join(",", list.Take(3)) + "]")),
            Gen.Choose(0, 3).Select(n => ("min", n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Gen.Choose(0, 3).Select(n => ("max", n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Gen.Elements(_patterns).Select(p => ("pattern", "\"" + p + "\"")),
            Gen.Choose(0, 2).Select(n => ("max_length", n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            Gen.Choose(0, 2).Select(n => ("max_items", n.ToString(System.Globalization.CultureInfo.InvariantCulture))))
        select new ModelCondition(path, op.Item1, op.Item2, optional);

    /// <summary>A JSON value as text: a small integer, a short string, or a short array of integers.</summary>
    private static Gen<string> Value() => Gen.OneOf(
        Gen.Choose(0, 3).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Elements("\"\"", "\"a\"", "\"ab\"", "\"b\"", "\"ba\""),
        Gen.Choose(0, 3).ListOf().Select(list => "[" + string.Join(",", list.Take(3)) + "]"));

    private static Gen<ModelCall> Call() =>
        from section in Gen.Elements("tools", "tools", "tools", "resources", "prompts")
        from name in section == "resources" ? Gen.OneOf(Word().Select(w => "s:" + w), Word()) : Word()
        from arguments in Gen.OneOf(Gen.Constant<string?>(null), Arguments())
        from toolClass in Gen.OneOf(Gen.Constant<ToolClass?>(null), ToolClass())
        select new ModelCall(section, name, section == "resources" ? null : arguments, section == "tools" ? toolClass : null);

    private static Gen<string?> Arguments() =>
        from x in Gen.OneOf(Gen.Constant<string?>(null), Value().Select(v => (string?)v))
        from y in Gen.OneOf(Gen.Constant<string?>(null), Value().Select(v => (string?)v))
        select (string?)("{" + string.Join(",", new[] { ("x", x), ("y", y) }.Where(p => p.Item2 is not null).Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}");

    private static Gen<ToolClass?> ToolClass() =>
        from risk in Gen.Elements(Enum.GetValues<ToolRisk>())
        from category in Gen.Elements(Enum.GetValues<ToolCategory>())
        select (ToolClass?)new ToolClass(risk, category);

    /// <summary>Names from a three-letter alphabet, up to four long; short so that rules and calls collide.</summary>
    private static Gen<string> Word() =>
        from length in Gen.Choose(0, 4)
        from chars in Gen.Elements('a', 'b', '_').ArrayOf(length)
        select new string(chars);

    private static Gen<string> NameKey() =>
        from word in Word()
        from stars in Gen.Choose(0, 3)
        from positions in Gen.Choose(0, 4).ArrayOf(stars)
        let key = positions.OrderByDescending(p => p).Aggregate(word, (text, p) => text.Insert(Math.Min(p, text.Length), "*"))
        where key.Length > 0
        select key;

    private static Gen<string> UriKey() =>
        from key in NameKey()
        select key.StartsWith('*') ? key : "s:" + key;

    private static Gen<IReadOnlyList<string>?> Subset(string[] values) =>
        Gen.OneOf(
            Gen.Constant<IReadOnlyList<string>?>(null),
            Gen.SubListOf(values).Where(list => list.Count > 0).Select(list => (IReadOnlyList<string>?)[.. list]));
}
