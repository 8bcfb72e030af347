using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Policy.Arguments;
using Gatehouse.Policy.Json;
using Json.Schema;

namespace Gatehouse.Policy.Parsing;

/// <summary>Reads a rule's <c>arguments</c>: a JSON Schema and conditions on paths, each compiled once, here.</summary>
internal sealed class ArgumentsParser(NodeReader read)
{
    private const string _draft202012 = "https://json-schema.org/draft/2020-12/schema";

    private static readonly string[] _fields = ["schema", "conditions"];
    private static readonly string[] _conditionFields = ["equals", "in", "not_in", "min", "max", "pattern", "max_length", "max_items", "optional"];

    // Unknown keywords are refused, as unknown policy fields are: a misspelt "maxItem" would otherwise check nothing.
    // Registered under the draft's own id so that a schema naming its "$schema" gets the strict dialect too.
    private static readonly Dialect _strictDraft202012 = Dialect.Draft202012.With([], new Uri(_draft202012), allowUnknownKeywords: false);
    private static readonly DialectRegistry _strictDialects = Strict();

    /// <summary>The check, or null when there is nothing to check; errors are reported.</summary>
    public ArgumentCheck? Parse(Node arguments, string ruleId)
    {
        if (!read.Object(arguments, "an arguments object", _fields))
        {
            return null;
        }
        var tests = new List<IArgumentTest>();
        if (NodeReader.Field(arguments, "schema") is { } schema)
        {
            if (Schema(schema) is { } built)
            {
                tests.Add(new SchemaTest(built, ruleId));
            }
        }
        if (NodeReader.Field(arguments, "conditions") is { } conditions)
        {
            var isObject = read.Expect(conditions, JsonValueKind.Object, "an object of conditions keyed by path");
            foreach (var condition in isObject ? NodeReader.Members(conditions) : [])
            {
                Condition(condition, ruleId, tests);
            }
        }
        return tests.Count == 0 ? null : new ArgumentCheck(tests);
    }

    /// <summary>An argument path as written in <c>conditions</c> keys and <c>redact</c> lists.</summary>
    public ArgumentPath? Path(string text, string at, bool isKey)
    {
        if (ArgumentPath.TryParse(text, out var path, out var error))
        {
            return path;
        }
        var message = $"{PolicyPath.Quote(text)} is not a supported path: {error}";
        if (isKey)
        {
            read.Diagnostics.KeyError(at, message);
        }
        else
        {
            read.Diagnostics.Error(at, message);
        }
        return null;
    }

    private JsonSchema? Schema(Node node)
    {
        if (node.Kind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
        {
            read.Diagnostics.Error(node.Path, $"must be a JSON Schema (an object or a boolean), found {NodeReader.Describe(node.Element)}");
            return null;
        }
        if (node.Kind == JsonValueKind.Object && NodeReader.Field(node, "$schema") is { } dialect && !dialect.Element.ValueEquals(_draft202012))
        {
            read.Diagnostics.Error(dialect.Path, $"argument schemas are JSON Schema draft 2020-12; leave \"$schema\" out or set it to \"{_draft202012}\"");
            return null;
        }
        try
        {
            // A registry of its own keeps this policy's $ids from clashing with another policy's, and from outliving it.
            var options = new BuildOptions { Dialect = _strictDraft202012, DialectRegistry = _strictDialects, SchemaRegistry = new SchemaRegistry() };
            var schema = node.Element.Clone();
            var built = JsonSchema.Build(schema, options);
            if (SchemaReferences.Problem(schema) is not { } problem)
            {
                return built;
            }
            read.Diagnostics.Error(node.Path, "invalid JSON Schema: " + problem);
            return null;
        }
        catch (Exception e) when (e is JsonSchemaException or RefResolutionException or ArgumentException or InvalidOperationException or JsonException)
        {
            read.Diagnostics.Error(node.Path, "invalid JSON Schema: " + e.Message);
            return null;
        }
    }

    private void Condition(Member condition, string ruleId, List<IArgumentTest> tests)
    {
        var path = Path(condition.Name, condition.Path, isKey: true);
        var node = condition.Value;
        var errorsBefore = read.Diagnostics.Count;
        if (!read.Object(node, "a condition", _conditionFields))
        {
            return;
        }
        var optional = NodeReader.Field(node, "optional") is { } optionalNode ? read.Boolean(optionalNode) : false;
        var rules = NodeReader.Members(node).Where(member => member.Name != "optional" && _conditionFields.Contains(member.Name))
            .Select(member => Operator(member.Name, member.Value))
            .ToList();
        // With no operator but an unknown field, the unknown field (likely a misspelt operator) is the error to show.
        if (rules.Count == 0 && read.Diagnostics.Count == errorsBefore)
        {
            read.Diagnostics.Error(node.Path, "a condition needs at least one of " + NodeReader.List(_conditionFields.Where(field => field != "optional")));
            return;
        }
        if (rules.Count > 0 && BoundsCanBeMet(node) && path is not null && optional is not null && rules.All(rule => rule is not null))
        {
            tests.AddRange(rules.Select(rule => new ConditionTest(path, rule!, optional.Value, ruleId)));
        }
    }

    private ValueRule? Operator(string name, Node value) => name switch
    {
        "equals" => new EqualsRule(value.Element.Clone()),
        "in" or "not_in" => read.Array(value) is { } items ? new MembershipRule([.. items.Select(item => item.Element.Clone())], mustBeIn: name == "in") : null,
        "min" or "max" => read.Expect(value, JsonValueKind.Number, "a number") ? new BoundRule(value.Element.Clone(), isMinimum: name == "min") : null,
        "pattern" => read.String(value) is { } pattern ? Pattern(pattern, value.Path) : null,
        "max_length" => read.Integer(value, minimum: 0) is { } length ? new MaxLengthRule(length) : null,
        _ => read.Integer(value, minimum: 0) is { } count ? new MaxItemsRule(count) : null,
    };

    private PatternRule? Pattern(string pattern, string at)
    {
        const RegexOptions options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;
        try
        {
            // Compiled alone first, so that a pattern with unbalanced parentheses cannot pair up with the anchoring group.
            _ = new Regex(pattern, options);
            return new PatternRule(new Regex(@"\A(?:" + pattern + @")\z", options), pattern);
        }
        catch (NotSupportedException e)
        {
            read.Diagnostics.Error(at, "pattern uses a construct the linear-time regex engine does not support (backreferences, lookarounds, atomic groups): " + e.Message);
        }
        catch (ArgumentException e)
        {
            read.Diagnostics.Error(at, "invalid regular expression: " + e.Message);
        }
        return null;
    }

    private static DialectRegistry Strict()
    {
        var dialects = new DialectRegistry();
        dialects.Register(_strictDraft202012);
        return dialects;
    }

    private bool BoundsCanBeMet(Node condition)
    {
        if (NodeReader.Field(condition, "min") is not { Kind: JsonValueKind.Number } min
            || NodeReader.Field(condition, "max") is not { Kind: JsonValueKind.Number } max
            || min.Element.GetDouble() <= max.Element.GetDouble())
        {
            return true;
        }
        read.Diagnostics.Error(min.Path, "min is greater than max, so no value can pass");
        return false;
    }
}
