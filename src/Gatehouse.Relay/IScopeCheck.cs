using System.Security.Claims;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// Whether a caller's token carries the OAuth scopes its grant on a server requires, and those the policy rule selecting a
/// request requires. Asked at the HTTP front before a request goes anywhere, so that a token lacking scopes gets 403 with
/// the scopes to ask for on that very HTTP request; a call's decision asks again (<see cref="IDecisionPoint"/>).
/// </summary>
public interface IScopeCheck
{
    /// <summary>
    /// What <paramref name="user"/>'s token lacks to act on <paramref name="server"/> under its grant and, when
    /// <paramref name="request"/> is given, for that request; null when it lacks nothing, holds no grant there, or is not
    /// limited by scopes.
    /// </summary>
    ScopeRequirement? Check(string server, ClaimsPrincipal? user, JsonRpcRequest? request = null);

    /// <summary>
    /// Every scope <paramref name="server"/>'s grants and their policies name, in ordinal order: what its endpoint's metadata
    /// offers (<c>scopes_supported</c>) and Gatehouse's authorization server grants for it.
    /// </summary>
    IReadOnlyList<string> ScopesOf(string server);
}

/// <summary>No scope is ever required (a relay without grants).</summary>
public sealed class NoScopesRequired : IScopeCheck
{
    /// <inheritdoc />
    public ScopeRequirement? Check(string server, ClaimsPrincipal? user, JsonRpcRequest? request = null) => null;

    /// <inheritdoc />
    public IReadOnlyList<string> ScopesOf(string server) => [];
}
