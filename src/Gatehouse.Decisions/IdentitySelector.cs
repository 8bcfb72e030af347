using System.Security.Claims;

namespace Gatehouse.Decisions;

/// <summary>
/// One entry of a grant's <c>identities</c>: a name (<c>marketing-agent</c>), a glob of names (<c>ci-*</c>), or a
/// claim value of the caller's token (<c>claim:groups=marketing</c>).
/// </summary>
internal sealed class IdentitySelector
{
    private const string ClaimPrefix = "claim:";

    private readonly string _text;
    private readonly string? _claimType;

    private IdentitySelector(string text, SelectorKind kind, string? claimType)
    {
        _text = text;
        Kind = kind;
        _claimType = claimType;
    }

    /// <summary>How specific the selector is: a name beats a glob, a glob beats a claim.</summary>
    public SelectorKind Kind { get; }

    public static IdentitySelector Parse(string entry)
    {
        if (entry.StartsWith(ClaimPrefix, StringComparison.Ordinal) && entry.IndexOf('=', ClaimPrefix.Length) is > 0 and var equals)
        {
            return new(entry[(equals + 1)..], SelectorKind.Claim, entry[ClaimPrefix.Length..equals]);
        }

        return new(entry, entry.Contains('*') ? SelectorKind.Glob : SelectorKind.Name, null);
    }

    public bool Matches(ClaimsPrincipal user, string identity) => Kind switch
    {
        SelectorKind.Name => string.Equals(_text, identity, StringComparison.Ordinal),
        SelectorKind.Glob => GlobMatches(_text, identity),
        _ => user.HasClaim(claim => claim.Type == _claimType && string.Equals(claim.Value, _text, StringComparison.Ordinal)),
    };

    /// <summary><c>*</c> stands for any run of characters, anything else for itself.</summary>
    private static bool GlobMatches(string pattern, string text)
    {
        var parts = pattern.Split('*');
        if (!text.StartsWith(parts[0], StringComparison.Ordinal) || !text.EndsWith(parts[^1], StringComparison.Ordinal) ||
            text.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        var position = parts[0].Length;
        var end = text.Length - parts[^1].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = text.IndexOf(parts[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return true;
    }
}

/// <summary>The kinds of identity selector, most specific first.</summary>
internal enum SelectorKind
{
    Name,
    Glob,
    Claim,
}
