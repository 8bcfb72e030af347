namespace Gatehouse.Admin;

/// <summary>
/// The roles Gatehouse knows, as API keys carry them (<c>keys create --role</c>) and tokens in their roles claim.
/// </summary>
public static class Roles
{
    /// <summary>Configuration, keys and audit.</summary>
    public const string Admin = "admin";
}
