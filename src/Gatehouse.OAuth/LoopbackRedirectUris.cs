using System.Globalization;

namespace Gatehouse.OAuth;

/// <summary>
/// RFC 8252 §7.3: a native client listening on a loopback IP address takes whatever port is free when it starts, so a
/// redirect URI registered as <c>http://127.0.0.1:PORT/path</c> or <c>http://[::1]:PORT/path</c> also admits the same
/// URI with any other port. Nothing else may differ: not the scheme, the address (a <c>localhost</c> name is not an
/// address and is matched exactly), the path or the query.
/// </summary>
internal static class LoopbackRedirectUris
{
    // The address literals themselves: a name that resolves to loopback is not one, and the browser may resolve it elsewhere.
    private static readonly string[] s_prefixes = ["http://127.0.0.1", "http://[::1]"];

    /// <summary>Whether <paramref name="requested"/> is <paramref name="registered"/> exactly, or but for the port of a loopback address.</summary>
    public static bool Matches(string registered, string requested)
    {
        if (string.Equals(registered, requested, StringComparison.Ordinal))
        {
            return true;
        }

        if (Split(registered) is not var (prefix, rest) || !requested.StartsWith(prefix + ":", StringComparison.Ordinal))
        {
            return false;
        }

        // The requested URI is compared as text, never after parsing: it must be the registered text with only the port's
        // digits changed, so that no parser's idea of "the same URI" (user info, backslashes, dot segments) enters into it.
        var digits = requested.AsSpan(prefix.Length + 1);
        var length = 0;
        while (length < digits.Length && length < 6 && char.IsAsciiDigit(digits[length]))
        {
            length++;
        }

        return length > 0 && digits[0] != '0' && int.Parse(digits[..length], CultureInfo.InvariantCulture) <= 65535
            && digits[length..].SequenceEqual(rest);
    }

    /// <summary>The loopback prefix of <paramref name="registered"/> and what follows its port; null when it is no loopback IP redirect URI.</summary>
    private static (string Prefix, string Tail)? Split(string registered)
    {
        foreach (var prefix in s_prefixes)
        {
            if (!registered.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = registered.AsSpan(prefix.Length);
            if (rest.StartsWith(":"))
            {
                var port = rest[1..];
                var length = 0;
                while (length < port.Length && char.IsAsciiDigit(port[length]))
                {
                    length++;
                }

                rest = port[length..];
            }

            // Anything but a path, a query or nothing after the address (user info, a longer host name) is no loopback URI.
            return rest.IsEmpty || rest[0] is '/' or '?' ? (prefix, rest.ToString()) : null;
        }

        return null;
    }
}
