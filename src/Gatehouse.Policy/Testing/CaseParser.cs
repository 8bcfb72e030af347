using System.Text.Json;
using Gatehouse.Policy.Json;
using Gatehouse.Policy.Parsing;

namespace Gatehouse.Policy.Testing;

/// <summary>Reads a cases file, reporting every malformed case with its line and column.</summary>
internal sealed class CaseParser(NodeReader read, JsonSource source)
{
    public const string RateLimited = "rate_limited";
    private const int _mostRepeats = 100_000;

    private static readonly string[] _fields =
        ["name", "identity", "grant", "session", "tool", "resource", "prompt", "arguments", "class", "expect", "rule", "repeat"];

    private static readonly string[] _targets = ["tool", "resource", "prompt"];

    private static readonly IReadOnlyList<(string Name, string Value)> _outcomes =
        [.. PolicyNames.Kinds.Select(kind => (kind.Name, kind.Name)), (RateLimited, RateLimited)];

    public List<TestCase> Parse(JsonElement root)
    {
        var cases = new List<TestCase>();
        foreach (var item in read.Array(new Node(root, ""), allowEmpty: true) ?? [])
        {
            if (Case(item, cases.Count) is { } parsed)
            {
                cases.Add(parsed);
            }
        }
        return cases;
    }

    private TestCase? Case(Node node, int index)
    {
        if (!read.Object(node, "a test case", _fields))
        {
            return null;
        }
        var errorsBefore = read.Diagnostics.Count;
        var targets = _targets.Where(target => NodeReader.Field(node, target) is not null).ToList();
        if (targets.Count != 1)
        {
            read.Diagnostics.Error(node.Path, "a test case names exactly one of \"tool\", \"resource\" or \"prompt\"");
            return null;
        }
        var target = targets[0] switch
        {
            "tool" => TestTarget.Tool,
            "resource" => TestTarget.Resource,
            _ => TestTarget.Prompt,
        };
        var subject = read.String(NodeReader.Field(node, targets[0])!.Value, allowEmpty: true);
        var arguments = Arguments(node, target);
        var toolClass = Class(node, target);
        var expect = read.Required(node, "expect") is { } expectNode && read.Choice(expectNode, _outcomes, out var outcome) ? outcome : null;
        var repeat = NodeReader.Field(node, "repeat") is { } repeatNode ? read.Integer(repeatNode, minimum: 1) : 1;
        if (repeat > _mostRepeats)
        {
            read.Diagnostics.Error(NodeReader.Field(node, "repeat")!.Value.Path, $"must be at most {_mostRepeats}");
        }
        if (read.Diagnostics.Count != errorsBefore || subject is null || expect is null || repeat is null)
        {
            return null;
        }
        return new TestCase(
            Text(node, "name") ?? $"case {index + 1} ({targets[0]} {subject})",
            source.ValueAt(node.Path),
            target,
            subject,
            arguments,
            toolClass,
            Text(node, "identity") ?? "",
            Text(node, "grant") ?? "",
            Text(node, "session") ?? "",
            expect,
            Text(node, "rule"),
            repeat.Value);
    }

    private string? Text(Node node, string field) =>
        NodeReader.Field(node, field) is { } value ? read.String(value) : null;

    private JsonElement? Arguments(Node node, TestTarget target)
    {
        if (NodeReader.Field(node, "arguments") is not { } arguments)
        {
            return null;
        }
        if (target == TestTarget.Resource)
        {
            read.Diagnostics.KeyError(arguments.Path, "a resource read takes no arguments");
            return null;
        }
        return read.Expect(arguments, JsonValueKind.Object, "an object") ? arguments.Element : null;
    }

    private ToolClass? Class(Node node, TestTarget target)
    {
        if (NodeReader.Field(node, "class") is not { } classNode)
        {
            return null;
        }
        if (target != TestTarget.Tool)
        {
            read.Diagnostics.KeyError(classNode.Path, "only tools have a class");
            return null;
        }
        if (!read.Object(classNode, "a tool class", ["risk", "category"]))
        {
            return null;
        }
        var risk = read.Required(classNode, "risk") is { } riskNode && read.Choice(riskNode, PolicyNames.Risks, out var r) ? r : (ToolRisk?)null;
        var category = read.Required(classNode, "category") is { } categoryNode && read.Choice(categoryNode, PolicyNames.Categories, out var c) ? c : (ToolCategory?)null;
        return risk is null || category is null ? null : new ToolClass(risk.Value, category.Value);
    }
}
