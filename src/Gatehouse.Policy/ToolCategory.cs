namespace Gatehouse.Policy;

/// <summary>The catalog's category of a tool: what calling it does.</summary>
public enum ToolCategory
{
    Read,
    Write,
    Execute,
    Destructive,
}
