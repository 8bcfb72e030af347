using System.Security.Claims;

namespace Gatehouse.Relay;

/// <summary>Whether an identity may open a session on a server at all: without access it sees nothing, not even a tool list.</summary>
public interface IAccessCheck
{
    /// <summary>True when <paramref name="user"/> holds a grant on <paramref name="server"/>.</summary>
    bool HasAccess(string server, ClaimsPrincipal? user);
}

/// <summary>Lets every identity open sessions; decisions still apply per call.</summary>
public sealed class OpenAccess : IAccessCheck
{
    /// <inheritdoc />
    public bool HasAccess(string server, ClaimsPrincipal? user) => true;
}
