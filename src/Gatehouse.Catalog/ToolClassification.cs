using Gatehouse.Policy;

namespace Gatehouse.Catalog;

/// <summary>What calling a tool does and how much harm it could do, with the reasons a person can check.</summary>
/// <param name="Category">What calling it does.</param>
/// <param name="Risk">How much harm a call could do.</param>
/// <param name="Rationale">One or two sentences that say why, ending with the class, e.g. "… → execute, high".</param>
public sealed record ToolClassification(ToolCategory Category, ToolRisk Risk, string Rationale)
{
    /// <summary>The class as the policy engine selects by it.</summary>
    public ToolClass Class => new(Risk, Category);
}
