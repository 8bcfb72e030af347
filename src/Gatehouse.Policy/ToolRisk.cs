namespace Gatehouse.Policy;

/// <summary>The catalog's risk class of a tool.</summary>
public enum ToolRisk
{
    Low,
    Medium,
    High,
    Critical,
}
