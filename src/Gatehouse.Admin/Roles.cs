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
    public static bool MaySeeApprovals(ClaimsPrincipal user) => ApprovalGrants(user) is not { Count: 0 };

    /// <summary>
    /// The grants whose held calls <paramref name="user"/> may see, as <see cref="MaySee"/> decides call by call, or
    /// null for every grant (an admin, or an approver of every grant).
    /// </summary>
    public static IReadOnlyCollection<string>? ApprovalGrants(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.IsInRole(Admin) || user.IsInRole(Approver))
        {
            return null;
        }

        // Each identity names its own role claim type (a JWT's rolesClaim), as IsInRole reads it.
        var prefix = $"{Approver}:";
        return user.Identities.SelectMany(i => i.FindAll(i.RoleClaimType))
            .Where(role => role.Value.StartsWith(prefix, StringComparison.Ordinal))
            .Select(role => role.Value[prefix.Length..])
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Whether <paramref name="user"/> may see calls of <paramref name="grant"/> in the queue.</summary>
    public static bool MaySee(ClaimsPrincipal user, string grant) => user.IsInRole(Admin) || MayApprove(user, grant);
}
