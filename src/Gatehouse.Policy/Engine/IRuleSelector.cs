namespace Gatehouse.Policy.Engine;

/// <summary>Which calls a rule applies to.</summary>
internal interface IRuleSelector
{
    RuleLevel Level { get; }

    bool Matches(string name, ToolClass? toolClass);
}
