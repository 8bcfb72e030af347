namespace Gatehouse.OAuth;

/// <summary>
/// The resources (RFC 8707) tokens are issued for: the endpoint of one configured server, <c>{issuer}/mcp/{server}</c>,
/// spelled exactly so, so that a token good at one endpoint is good at no other.
/// </summary>
public static class OAuthResources
{
    /// <summary>The base every resource URL starts with: the configured issuer, or the address the request came to.</summary>
    public static Uri BaseOf(Uri? issuer, Uri requestBase) => issuer ?? requestBase;

    /// <summary>The resource URL of <paramref name="server"/>'s endpoint under <paramref name="baseUri"/>.</summary>
    public static Uri For(Uri baseUri, string server)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        var text = baseUri.AbsoluteUri;
        return new Uri($"{text.TrimEnd('/')}/mcp/{Uri.EscapeDataString(server)}");
    }

    /// <summary>The server <paramref name="resource"/> is the endpoint of, or null with why not.</summary>
    public static string? ServerOf(string resource, Uri baseUri, ICollection<string> servers, out string? error)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var prefix = For(baseUri, "x").AbsoluteUri[..^1];
        if (!resource.StartsWith(prefix, StringComparison.Ordinal))
        {
            error = $"The resource must be the URL of a server's endpoint at Gatehouse, {prefix}{{server}}.";
            return null;
        }

        var name = resource[prefix.Length..];
        var server = servers.FirstOrDefault(s => string.Equals(For(baseUri, s).AbsoluteUri, resource, StringComparison.Ordinal));
        error = server is null ? $"Gatehouse has no server '{name}'." : null;
        return server;
    }
}
