using System.Text.Json;
using Gatehouse.Policy.Engine;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Parsing;

/// <summary>Reads a whole policy document, reporting every error, and assembles the compiled policy when there are none.</summary>
internal sealed class PolicyParser(NodeReader read)
{
    private const string _version = "1";

    private static readonly string[] _fields = ["$schema", "version", "default", "tools", "classes", "resources", "prompts"];

    private readonly NodeReader _read = read;
    private readonly RuleParser _rules = new(read);
    private readonly SelectorParser _selectors = new(read);

    public CompiledPolicy? Parse(JsonElement root)
    {
        var document = new Node(root, "");
        if (!_read.Object(document, "a policy object", _fields))
        {
            return null;
        }
        if (NodeReader.Field(document, "$schema") is { } schema)
        {
            _read.String(schema);
        }
        CheckVersion(document);
        var fallback = RuleAction.Deny;
        if (NodeReader.Field(document, "default") is { } defaultNode)
        {
            _read.Choice(defaultNode, PolicyNames.Defaults, out fallback);
        }
        var defaultRule = RuleParser.Default(fallback);
        var tools = Named(document, "tools", Section.Tools);
        tools.AddRange(Classes(document));
        var resources = Named(document, "resources", Section.Resources);
        var prompts = Named(document, "prompts", Section.Prompts);
        if (_read.Diagnostics.Count > 0)
        {
            return null;
        }
        return new CompiledPolicy(
            new RuleSection(tools, defaultRule),
            new RuleSection(resources, defaultRule),
            new RuleSection(prompts, defaultRule));
    }

    private void CheckVersion(Node document)
    {
        if (_read.Required(document, "version") is not { } version)
        {
            return;
        }
        if (version.Kind != JsonValueKind.String)
        {
            _read.Diagnostics.Error(version.Path, $"must be the string \"{_version}\", found {NodeReader.Describe(version.Element)}");
        }
        else if (!version.Element.ValueEquals(_version))
        {
            _read.Diagnostics.Error(version.Path, $"unknown version {PolicyPath.Quote(version.Element.GetString()!)}; this Gatehouse reads version \"{_version}\"");
        }
    }

    /// <summary>A section keyed by name or pattern: <c>tools</c>, <c>resources</c> or <c>prompts</c>.</summary>
    private List<PolicyRule> Named(Node document, string field, Section section)
    {
        var rules = new List<PolicyRule>();
        if (NodeReader.Field(document, field) is not { } node || !_read.Expect(node, JsonValueKind.Object, "an object of rules keyed by name"))
        {
            return rules;
        }
        foreach (var (member, order) in NodeReader.Members(node).Select((member, order) => (member, order)))
        {
            var selector = _selectors.ForKey(member, section);
            // The rule is read even when its key is refused, so that its own errors are reported as well.
            var rule = _rules.Parse(member.Value, member.Path, selector ?? DefaultSelector.Instance, section, order);
            if (selector is not null && rule is not null)
            {
                rules.Add(rule);
            }
        }
        return rules;
    }

    private List<PolicyRule> Classes(Node document)
    {
        var rules = new List<PolicyRule>();
        if (NodeReader.Field(document, "classes") is not { } node)
        {
            return rules;
        }
        foreach (var (item, order) in (_read.Array(node, allowEmpty: true) ?? []).Select((item, order) => (item, order)))
        {
            if (!_read.Expect(item, JsonValueKind.Object, "a class rule (an object with \"risk\" and/or \"category\")"))
            {
                continue;
            }
            var selector = _selectors.ForClass(item);
            // The rule is read even when its selector is refused, so that its own errors are reported as well.
            var rule = _rules.Parse(item, item.Path, selector ?? DefaultSelector.Instance, Section.Classes, order);
            if (selector is not null && rule is not null)
            {
                rules.Add(rule);
            }
        }
        return rules;
    }
}
