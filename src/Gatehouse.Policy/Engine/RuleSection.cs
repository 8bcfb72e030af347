using System.Collections.Frozen;

namespace Gatehouse.Policy.Engine;

/// <summary>
/// The rules for one kind of thing (tools, resources or prompts) and how to pick the deciding one:
/// exact name, else the best glob, else the best class rule, else the default.
/// </summary>
internal sealed class RuleSection(IReadOnlyList<PolicyRule> rules, PolicyRule fallback)
{
    private readonly FrozenDictionary<string, PolicyRule> _exact = rules
        .Where(rule => rule.Level == RuleLevel.Exact)
        .ToFrozenDictionary(rule => ((ExactSelector)rule.Selector).Name, StringComparer.Ordinal);

    private readonly GlobIndex _globs = new(rules.Where(rule => rule.Level == RuleLevel.Glob));
    private readonly ClassTable _classes = new([.. rules.Where(rule => rule.Level == RuleLevel.Class)]);
    private readonly bool _hasClassRules = rules.Any(rule => rule.Level == RuleLevel.Class);

    /// <summary>Every rule, in document order (class rules after name rules); the default is separate.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; } = rules;

    public PolicyRule Default { get; } = fallback;

    /// <summary>Whether the class of <paramref name="name"/> can change which rule decides it: no name rule selects it, and class rules exist.</summary>
    public bool DependsOnClass(string name) => _hasClassRules && !_exact.ContainsKey(name) && _globs.FindBest(name) is null;

    public PolicyRule Select(string name, ToolClass? toolClass)
    {
        if (_exact.TryGetValue(name, out var exact))
        {
            return exact;
        }
        return _globs.FindBest(name) ?? (toolClass is { } known ? _classes.Find(known) : null) ?? Default;
    }
}
