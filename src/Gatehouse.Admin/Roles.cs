using System.Security.Claims;

namespace Gatehouse.Admin;

/// <summary>
/// The roles Gatehouse knows, as API keys carry them (<c>keys create --role</c>) and tokens in their roles claim.
/// </summary>
public static class Roles
{
    /// <summary>Configuration, keys and audit.</summary>
    public const string Admin = "admin";

    /// <summary>Approves and denies held calls of every grant; <c>approver:GRANT</c> does so for one grant.</summary>
    public const string Approver = "approver";

    /// <summary>Whether <paramref name="user"/> may approve or deny calls held under <paramref name="grant"/>.</summary>
    public static bool MayApprove(ClaimsPrincipal user, string grant)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(Approver) || user.IsInRole($"{Approver}:{grant}");
    }

    /// <summary>Whether <paramref name="user"/> may see the approval queue at all (some of it, for a one-grant approver).</summary>
    public static bool MaySeeApprovals(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        // Each identity names its own role claim type (a JWT's rolesClaim), as IsInRole reads it.
        return user.IsInRole(Admin) || user.Identities.SelectMany(i => i.FindAll(i.RoleClaimType))
            .Any(role => role.Value == Approver || role.Value.StartsWith($"{Approver}:", StringComparison.Ordinal));
    }

    /// <summary>Whether <paramref name="user"/> may see calls of <paramref name="grant"/> in the queue.</summary>
    public static bool MaySee(ClaimsPrincipal user, string grant) => user.IsInRole(Admin) || MayApprove(user, grant);
}
