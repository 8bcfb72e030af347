namespace Gatehouse.Policy;

/// <summary>The catalog's category of a tool: what calling it does.</summary>
public enum ToolCategory
{
    Read,
    Write,
    Execute,
    Destructive,

    /// <summary>Changes who may do what: users, roles, keys, settings of the server itself.</summary>
    Admin,
}
