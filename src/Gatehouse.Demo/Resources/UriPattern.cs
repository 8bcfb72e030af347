using System.Text.RegularExpressions;

namespace Gatehouse.Demo.Resources;

/// <summary>
/// Matches URIs against one of the catalog's URI templates. Only the simple <c>{name}</c> form
/// occurs there, and each variable fills exactly one path segment.
/// </summary>
internal sealed partial class UriPattern
{
    private readonly Regex _regex;

    public UriPattern(string template)
    {
        var pattern = string.Concat(Variable().Split(template).Select((part, index) =>
            index % 2 == 0 ? Regex.Escape(part) : $"(?<{part}>[^/]+)"));
        _regex = new Regex($"^{pattern}$", RegexOptions.CultureInvariant);
    }

    /// <summary>The variables' values, percent-decoded, when <paramref name="uri"/> matches; otherwise null.</summary>
    public UriVariables? Match(string uri)
    {
        var match = _regex.Match(uri);
        if (!match.Success)
        {
            return null;
        }

        var values = match.Groups.Cast<Group>()
            .Where(group => group.Name != "0")
            .ToDictionary(group => group.Name, group => Uri.UnescapeDataString(group.Value), StringComparer.Ordinal);
        return new UriVariables(values);
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Variable();
}
