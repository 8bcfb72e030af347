namespace Gatehouse.Policy.Engine;

/// <summary>
/// Tools by the catalog's classification: any of the listed risks and any of the listed categories
/// (an unlisted dimension matches everything). A tool the catalog has not classified never matches.
/// </summary>
internal sealed class ClassSelector(IReadOnlySet<ToolRisk> risks, IReadOnlySet<ToolCategory> categories) : IRuleSelector
{
    public RuleLevel Level => RuleLevel.Class;

    public bool Matches(string name, ToolClass? toolClass) =>
        toolClass is { } c && risks.Contains(c.Risk) && categories.Contains(c.Category);
}
