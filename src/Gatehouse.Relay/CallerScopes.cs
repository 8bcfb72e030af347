using System.Security.Claims;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// The OAuth scopes a caller's credential carries. Authentication marks a credential limited by scopes (Gatehouse's own
/// tokens, <c>auth.jwt</c> tokens) with one claim listing them; a credential without the mark (an API key, the operator's
/// own; an anonymous caller; the stdio front) is not limited by scopes.
/// </summary>
public static class CallerScopes
{
    /// <summary>The claim listing a limited credential's scopes, space-separated (possibly none).</summary>
    public const string ClaimType = "gatehouse:scopes";

    /// <summary>Marks <paramref name="identity"/> as limited to <paramref name="scopes"/>, in place of any such claim it carried.</summary>
    public static void Limit(ClaimsIdentity identity, IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(identity);
        foreach (var claim in identity.FindAll(ClaimType).ToList())
        {
            identity.RemoveClaim(claim);
        }

        identity.AddClaim(new Claim(ClaimType, string.Join(' ', scopes.Distinct(StringComparer.Ordinal))));
    }

    /// <summary>
    /// Whether <paramref name="user"/>'s credential carries every scope <paramref name="opener"/>'s did: a session is bound
    /// to the scopes it was opened with, and judges its calls by them. A credential not limited by scopes carries them all.
    /// </summary>
    public static bool Covers(ClaimsPrincipal? user, ClaimsPrincipal? opener) =>
        Of(user) is not { } held || (Of(opener) is { } opened && held.IsSupersetOf(opened));

    /// <summary>
    /// Hands a session <paramref name="message"/> with the credential of the HTTP request that carried it: a call on a session
    /// is judged by its own request's scopes (which cover the session's, <see cref="Covers"/>), so that a client that stepped
    /// up goes on in the same session.
    /// </summary>
    public static void Carry(JsonRpcMessage message, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Context ??= new JsonRpcMessageContext();
        message.Context.User = user;
    }

    /// <summary>The credential <paramref name="message"/> came with (<see cref="Carry"/>), else the session opener's.</summary>
    public static ClaimsPrincipal? Sender(JsonRpcMessage message, ClaimsPrincipal? opener) => message?.Context?.User ?? opener;

    /// <summary>The scopes <paramref name="user"/>'s credential carries; null when it is not limited by scopes.</summary>
    public static IReadOnlySet<string>? Of(ClaimsPrincipal? user)
    {
        var marks = user?.FindAll(ClaimType).ToList() ?? [];
        return marks.Count == 0
            ? null
            : marks.SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
    }
}
