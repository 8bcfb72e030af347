namespace Gatehouse.Policy.Engine;

/// <summary>
/// One name, compared ordinally: code point for code point, no case folding, Unicode normalisation or
/// trimming, so that a look-alike name is a different (unknown) name, never an alias.
/// </summary>
internal sealed class ExactSelector(string name) : IRuleSelector
{
    public string Name { get; } = name;

    public RuleLevel Level => RuleLevel.Exact;

    public bool Matches(string name, ToolClass? toolClass) => string.Equals(Name, name, StringComparison.Ordinal);
}
