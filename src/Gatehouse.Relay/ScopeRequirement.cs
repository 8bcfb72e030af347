using Gatehouse.Audit;
using Gatehouse.Policy;

namespace Gatehouse.Relay;

/// <summary>
/// Scopes a caller's token lacks for what it asks: those of its grant, and those of the policy rule that selects the call.
/// The caller is told to get a token with <see cref="Needed"/> (those it holds and those it lacks, so that the new token
/// still does everything the old one did: MCP's "scope challenge handling") and try again.
/// </summary>
/// <param name="Needed">The scopes to ask for: those the token holds, then those it lacks.</param>
/// <param name="Missing">Those of <see cref="Needed"/> the token lacks; never empty.</param>
/// <param name="Rule">What asks for them: <c>grant</c>, or the policy rule (<c>tools.send_campaign</c>).</param>
public sealed record ScopeRequirement(IReadOnlyList<string> Needed, IReadOnlyList<string> Missing, string Rule)
{
    /// <summary>
    /// What <paramref name="granted"/> lacks of <paramref name="grantScopes"/> and <paramref name="ruleScopes"/>; null when
    /// it lacks nothing, or when the credential is not limited by scopes (<paramref name="granted"/> null).
    /// </summary>
    public static ScopeRequirement? Check(IReadOnlySet<string>? granted, IReadOnlyList<string> grantScopes, IReadOnlyList<string> ruleScopes, string rule)
    {
        ArgumentNullException.ThrowIfNull(grantScopes);
        ArgumentNullException.ThrowIfNull(ruleScopes);
        if (granted is null)
        {
            return null;
        }

        var missingFromGrant = grantScopes.Where(s => !granted.Contains(s)).ToList();
        var missing = missingFromGrant.Concat(ruleScopes.Where(s => !granted.Contains(s))).Distinct(StringComparer.Ordinal).ToList();
        return missing.Count == 0
            ? null
            : new ScopeRequirement([.. Held(granted), .. missing], missing, missingFromGrant.Count > 0 ? "grant" : rule);
    }

    // The token's scopes are echoed into the challenge: only those a scope may be (a JWT's could hold a '"' that would end
    // the header's quoted string); any other could be neither granted nor asked for.
    private static IEnumerable<string> Held(IReadOnlySet<string> granted) => granted.Where(ScopeTokens.IsValid).Order(StringComparer.Ordinal);

    /// <summary>Why the request is refused, for the audit log and the client.</summary>
    public string Reason => $"the token lacks scope{(Missing.Count == 1 ? "" : "s")} {string.Join(", ", Missing.Select(s => $"'{s}'"))}" +
        (Rule == "grant" ? " that the grant requires" : $" that policy rule {Rule} requires");

    /// <summary>
    /// The <c>WWW-Authenticate</c> challenge of the 403 (RFC 6750 §3, MCP's scope challenge handling), pointing at the
    /// endpoint's protected-resource metadata.
    /// </summary>
    public string Challenge(string resourceMetadata) =>
        $"Bearer error=\"{AuditDecisions.InsufficientScope}\", scope=\"{string.Join(' ', Needed)}\", resource_metadata=\"{resourceMetadata}\", " +
        $"error_description=\"{Reason.Replace("\"", "'", StringComparison.Ordinal).Replace("\\", "'", StringComparison.Ordinal)}\"";
}
