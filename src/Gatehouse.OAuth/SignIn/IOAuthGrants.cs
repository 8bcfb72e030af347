using System.Security.Claims;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// Which grant a person's identity holds on a server, as the gateway will decide it for their token, so that the consent
/// page can name it, and which scopes a server's grants and policies name, the only ones a token for it may carry; the
/// host answers with its grants.
/// </summary>
public interface IOAuthGrants
{
    /// <summary>The id of the grant <paramref name="person"/> holds on <paramref name="server"/>, or null when none.</summary>
    string? GrantFor(string server, ClaimsPrincipal person);

    /// <summary>The scopes tokens for <paramref name="server"/>'s endpoint may be granted (besides <c>offline_access</c>).</summary>
    IReadOnlyList<string> ScopesOf(string server);
}

/// <summary>The grants of a host that names none: no one holds a grant, and no server has scopes.</summary>
internal sealed class NoOAuthGrants : IOAuthGrants
{
    public string? GrantFor(string server, ClaimsPrincipal person) => null;

    public IReadOnlyList<string> ScopesOf(string server) => [];
}
