namespace Gatehouse.Store.ApiKeys;

/// <summary>
/// Checks what an operator asks a key to carry. Identities and roles end up in logs, the audit and HTTP
/// headers, so control characters are refused rather than escaped everywhere.
/// </summary>
internal static class ApiKeyInput
{
    public const int MaxIdentityLength = 256;
    public const int MaxRoleLength = 64;

    public static string Identity(string identity)
    {
        if (string.IsNullOrWhiteSpace(identity) || identity.Length > MaxIdentityLength || identity.Any(char.IsControl)
            || identity.Trim().Length != identity.Length)
        {
            throw new ArgumentException(
                $"An identity must be 1 to {MaxIdentityLength} characters, without control characters or surrounding spaces.",
                nameof(identity));
        }

        return identity;
    }

    public static IReadOnlyList<string> Roles(IEnumerable<string>? roles)
    {
        var checkedRoles = new List<string>();
        foreach (var role in roles ?? [])
        {
            if (string.IsNullOrEmpty(role) || role.Length > MaxRoleLength || role.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw new ArgumentException($"A role must be 1 to {MaxRoleLength} characters, without spaces or control characters.",
                    nameof(roles));
            }

            if (!checkedRoles.Contains(role, StringComparer.Ordinal))
            {
                checkedRoles.Add(role);
            }
        }

        return checkedRoles;
    }

    public static DateTimeOffset? ExpiresAt(DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (expiresAt is { } time && time <= now)
        {
            throw new ArgumentException("A key's expiry must be in the future.", nameof(expiresAt));
        }

        return expiresAt;
    }
}
