namespace Gatehouse.Policy.Engine;

/// <summary>
/// The deciding class rule for every (risk, category) pair, worked out at compile time: there are only a
/// handful of pairs, so deciding by class is one array read.
/// </summary>
internal sealed class ClassTable
{
    private static readonly ToolRisk[] _risks = Enum.GetValues<ToolRisk>();
    private static readonly ToolCategory[] _categories = Enum.GetValues<ToolCategory>();

    private readonly PolicyRule?[] _winners = new PolicyRule?[_risks.Length * _categories.Length];

    public ClassTable(IReadOnlyList<PolicyRule> classRules)
    {
        foreach (var risk in _risks)
        {
            foreach (var category in _categories)
            {
                var toolClass = new ToolClass(risk, category);
                _winners[IndexOf(toolClass)] = classRules
                    .Where(rule => rule.Selector.Matches("", toolClass))
                    .Aggregate((PolicyRule?)null, (best, rule) => RulePrecedence.Outranks(rule, best) ? rule : best);
            }
        }
    }

    public PolicyRule? Find(ToolClass toolClass) => _winners[IndexOf(toolClass)];

    private static int IndexOf(ToolClass toolClass) => ((int)toolClass.Risk * _categories.Length) + (int)toolClass.Category;
}
