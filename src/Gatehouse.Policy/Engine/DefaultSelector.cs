namespace Gatehouse.Policy.Engine;

/// <summary>The policy's <c>default</c>: applies to whatever no other rule selects.</summary>
internal sealed class DefaultSelector : IRuleSelector
{
    public static readonly DefaultSelector Instance = new();

    private DefaultSelector()
    {
    }

    public RuleLevel Level => RuleLevel.Default;

    public bool Matches(string name, ToolClass? toolClass) => true;
}
