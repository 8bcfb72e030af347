using System.Security.Claims;

namespace Gatehouse.Authentication;

/// <summary>The identity Gatehouse decides for: its name and roles, however the caller proved it.</summary>
public static class CallerIdentity
{
    /// <summary>The authentication type of callers who sent no credentials and act as <c>auth.anonymous</c>.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>The caller's identity name, or null when the request is not authenticated.</summary>
    public static string? NameOf(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true } identity ? identity.Name : null;

    /// <summary>A principal for <paramref name="name"/>, authenticated by <paramref name="authenticationType"/>.</summary>
    public static ClaimsPrincipal Create(string name, string authenticationType, IEnumerable<string>? roles = null) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), .. (roles ?? []).Select(role => new Claim(ClaimTypes.Role, role))],
            authenticationType, ClaimTypes.Name, ClaimTypes.Role));
}
