using System.Security.Claims;

namespace Gatehouse.Relay;

/// <summary>Whether an identity may use a server at all: without access it sees nothing, not even a tool list.</summary>
public interface IAccessCheck
{
    /// <summary>The id of the grant <paramref name="user"/> holds on <paramref name="server"/>, or null when it holds none.</summary>
    string? GrantFor(string server, ClaimsPrincipal? user);
}

/// <summary>Lets every identity in under one grant; decisions still apply per call.</summary>
public sealed class OpenAccess : IAccessCheck
{
    /// <inheritdoc />
    public string? GrantFor(string server, ClaimsPrincipal? user) => "";
}
