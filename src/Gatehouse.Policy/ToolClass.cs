namespace Gatehouse.Policy;

/// <summary>How the catalog classified a tool; policies may select tools by it.</summary>
public readonly record struct ToolClass(ToolRisk Risk, ToolCategory Category);
