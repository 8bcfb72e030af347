using System.Security.Claims;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// Which grant a person's identity holds on a server, as the gateway will decide it for their token, so that the consent
/// page can name it; the host answers with its grants.
/// </summary>
public interface IOAuthGrants
{
    /// <summary>The id of the grant <paramref name="person"/> holds on <paramref name="server"/>, or null when none.</summary>
    string? GrantFor(string server, ClaimsPrincipal person);
}
