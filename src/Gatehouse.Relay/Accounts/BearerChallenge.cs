using System.Text.RegularExpressions;

namespace Gatehouse.Relay.Accounts;

/// <summary>The parameters of a <c>WWW-Authenticate: Bearer</c> challenge (RFC 6750 section 3), such as <c>error</c> and <c>scope</c>.</summary>
internal static partial class BearerChallenge
{
    /// <summary>The value of <paramref name="name"/> in <paramref name="parameters"/>, quoted or not; null when absent.</summary>
    public static string? Parameter(string parameters, string name)
    {
        foreach (Match match in Parameters().Matches(parameters))
        {
            if (match.Groups["name"].Value.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Groups["token"].Value;
            }
        }

        return null;
    }

    [GeneratedRegex("""(?:^|,)\s*(?<name>[A-Za-z_]+)\s*=\s*(?:"(?<quoted>[^"]*)"|(?<token>[^\s,"]+))""")]
    private static partial Regex Parameters();
}
