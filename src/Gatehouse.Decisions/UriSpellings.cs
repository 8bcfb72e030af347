namespace Gatehouse.Decisions;

/// <summary>The URIs of <c>resources/read</c> that servers would read as another URI than the one the policy decided on.</summary>
internal static class UriSpellings
{
    /// <summary>
    /// Why a URL parser (the WHATWG URL Standard: JavaScript's <c>new URL</c>, which the TypeScript SDK's server reads
    /// <c>resources/read</c> through, and Python's pydantic, which the Python SDK's does) would rewrite
    /// <paramref name="uri"/> into another string; null when it would keep it as it is. The policy matches the
    /// string as sent: <c>file:///public/../secret</c>, <c>FILE:///secret</c> or <c>file:///sec\tret</c> would pass a
    /// rule against <c>file:///secret</c> and be read as it.
    /// </summary>
    public static string? ReadOtherwise(string uri)
    {
        foreach (var c in uri)
        {
            // RFC 3986's characters and '%'; a URL parser drops or percent-encodes the rest (controls, spaces, '\\', non-ASCII).
            if (!(char.IsAsciiLetterOrDigit(c) || "-._~:/?#[]@!$&'()*+,;=%".Contains(c, StringComparison.Ordinal)))
            {
                return c is '\\' ? "it holds a backslash, which URL parsers read as '/'" : $"it holds U+{(int)c:X4}, which URL parsers drop or percent-encode";
            }
        }

        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? uri[..colon] : "";
        if (scheme.Any(char.IsAsciiLetterUpper))
        {
            return "its scheme has capital letters, which URL parsers write in small letters";
        }

        var end = uri.IndexOfAny(['?', '#']);
        var path = uri[(colon + 1)..(end < 0 ? uri.Length : end)];
        if (path.Split('/').Any(segment => segment.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase) is "." or ".."))
        {
            return "its path has a '.' or '..' segment, which URL parsers resolve";
        }

        int? defaultPort = scheme switch { "http" or "ws" => 80, "https" or "wss" => 443, "ftp" => 21, "file" => null, _ => -1 };
        if (defaultPort == -1)
        {
            return null;
        }

        // A special scheme: its host is normalized, and its path begins with '/'.
        if (!path.StartsWith("//", StringComparison.Ordinal))
        {
            return $"it does not begin with '{scheme}://', which URL parsers add";
        }

        var authority = path[2..];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return "it has no path after its host, which URL parsers add as '/'";
        }

        var host = authority[..slash];
        host = host[(host.LastIndexOf('@') + 1)..];
        var port = host.LastIndexOf(':') is var at and >= 0 && !host.EndsWith(']') ? host[(at + 1)..] : null;
        host = port is null ? host : host[..^(port.Length + 1)];
        var lastLabel = host.TrimEnd('.').Split('.')[^1];
        return host.Any(c => char.IsAsciiLetterUpper(c) || c is '%' or '[' or ']') ? "its host would be written otherwise (capital letters, escapes or an IPv6 address)"
            : lastLabel.Length > 0 && (lastLabel.All(char.IsAsciiDigit) || lastLabel.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) && !IsPlainIPv4(host)
                ? "its host is a number URL parsers write as an IPv4 address"
            : port is { } p && (p.Length == 0 || p == defaultPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) || (p.Length > 1 && p[0] == '0'))
                ? "its port is empty or the scheme's default, which URL parsers leave out"
            : scheme == "file" && host.Equals("localhost", StringComparison.Ordinal) ? "its host is localhost, which URL parsers leave out of a file URI"
            : null;

        static bool IsPlainIPv4(string host)
        {
            var parts = host.Split('.');
            return parts.Length == 4 && parts.All(part => part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit) && (part.Length == 1 || part[0] != '0') && int.Parse(part, System.Globalization.CultureInfo.InvariantCulture) <= 255);
        }
    }
}
