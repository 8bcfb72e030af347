using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Gatehouse.Configuration;

/// <summary>
/// The rules for the address Gatehouse listens on, shared by <c>gatehouse.json</c> and the <c>--listen</c>
/// option so both refuse the same mistakes.
/// </summary>
public static class ListenAddress
{
    /// <summary>Kestrel's spellings for "every interface", which <see cref="Uri"/> does not accept as hosts.</summary>
    private static readonly string[] WildcardHosts = ["*", "+"];

    public static bool TryValidate(string listen, out string? error) => TryParse(listen, out _, out error);

    /// <summary>
    /// True only when the address accepts connections from this machine alone; anything invalid or
    /// ambiguous (a wildcard, a host name other than localhost) counts as reachable from elsewhere.
    /// </summary>
    public static bool IsLoopback(string listen)
    {
        if (!TryParse(listen, out var uri, out _))
        {
            return false;
        }

        return IsLoopbackHost(uri.DnsSafeHost);
    }

    /// <summary>Whether <paramref name="host"/> (a URL's host, as <see cref="Uri.DnsSafeHost"/> gives it) names this machine alone.</summary>
    public static bool IsLoopbackHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static bool TryParse(string listen, [NotNullWhen(true)] out Uri? uri, out string? error)
    {
        var parseable = listen;
        foreach (var wildcard in WildcardHosts)
        {
            parseable = parseable.Replace($"://{wildcard}", "://0.0.0.0", StringComparison.Ordinal);
        }

        uri = null;
        if (!Uri.TryCreate(parseable, UriKind.Absolute, out var parsed)
            || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{listen}' is not an absolute http:// or https:// URL";
            return false;
        }

        if (parsed.UserInfo.Length > 0 || parsed.AbsolutePath != "/" || parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            error = $"'{listen}' must be only a scheme, host and port, such as {GatehouseConfig.DefaultListen}";
            return false;
        }

        uri = parsed;
        error = null;
        return true;
    }
}
