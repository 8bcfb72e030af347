using System.Text.Json;
using Gatehouse.Policy.Engine;
using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Parsing;

/// <summary>
/// Turns a rule's key into what it selects, refusing selectors that can never match anything, which are
/// typos an operator would otherwise discover only when a rule silently never applies.
/// </summary>
internal sealed class SelectorParser(NodeReader read)
{
    public IRuleSelector? ForKey(Member member, Section section)
    {
        var key = member.Name;
        var problem = section == Section.Resources ? UriPatternProblem(key) : NameProblem(key, section);
        if (problem is not null)
        {
            read.Diagnostics.KeyError(member.Path, $"{PolicyPath.Quote(key)} can never match: {problem}");
            return null;
        }
        return GlobPattern.IsGlob(key) ? new GlobPattern(key) : new ExactSelector(key);
    }

    /// <summary>The <c>risk</c> and <c>category</c> of a class rule; a dimension left out matches every value.</summary>
    public IRuleSelector? ForClass(Node rule)
    {
        var risk = NodeReader.Field(rule, "risk");
        var category = NodeReader.Field(rule, "category");
        if (risk is null && category is null)
        {
            read.Diagnostics.Error(rule.Path, "a class rule needs \"risk\", \"category\" or both");
            return null;
        }
        var risks = Values(risk, PolicyNames.Risks);
        var categories = Values(category, PolicyNames.Categories);
        return risks is null || categories is null ? null : new ClassSelector(risks, categories);
    }

    private HashSet<T>? Values<T>(Node? field, IReadOnlyList<(string Name, T Value)> choices)
    {
        if (field is not { } node)
        {
            return [.. choices.Select(choice => choice.Value)];
        }
        var items = node.Kind == JsonValueKind.Array ? read.Array(node) : [node];
        if (items is null)
        {
            return null;
        }
        var values = new HashSet<T>();
        var valid = true;
        foreach (var item in items)
        {
            valid &= read.Choice(item, choices, out var value);
            values.Add(value);
        }
        return valid ? values : null;
    }

    private static string? NameProblem(string key, Section section)
    {
        var what = section == Section.Prompts ? "prompt" : "tool";
        if (key.Length == 0)
        {
            return $"every {what} has a name";
        }
        if (char.IsWhiteSpace(key[0]) || char.IsWhiteSpace(key[^1]) || key.Any(char.IsControl))
        {
            return $"{what} names do not begin or end with whitespace or contain control characters (names are compared exactly)";
        }
        return null;
    }

    private static string? UriPatternProblem(string key)
    {
        if (key.Length == 0)
        {
            return "every resource has a URI";
        }
        if (key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "URIs contain no whitespace or control characters";
        }
        var wildcard = key.IndexOf(GlobPattern.Wildcard, StringComparison.Ordinal);
        var literal = wildcard < 0 ? key : key[..wildcard];
        var colon = literal.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon < 0 ? literal : literal[..colon];
        var schemeCanContinue = colon < 0 && wildcard >= 0;
        var schemeValid = literal.Length == 0
            || (scheme.Length > 0 && char.IsAsciiLetter(scheme[0]) && scheme.All(IsSchemeChar) && (colon >= 0 || schemeCanContinue));
        return schemeValid ? null : "resource URIs start with a scheme such as \"file:\" or \"https:\"";
    }

    private static bool IsSchemeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.';
}
