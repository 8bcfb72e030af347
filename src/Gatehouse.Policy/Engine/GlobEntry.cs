namespace Gatehouse.Policy.Engine;

/// <summary>A glob rule with its pattern at hand, as the glob index stores it.</summary>
internal readonly record struct GlobEntry(GlobPattern Glob, PolicyRule Rule)
{
    /// <summary>This rule if it matches <paramref name="name"/> and outranks <paramref name="best"/>; otherwise <paramref name="best"/>.</summary>
    public PolicyRule? Best(string name, PolicyRule? best) =>
        Glob.IsMatch(name) && RulePrecedence.Outranks(Rule, best) ? Rule : best;
}
