using Gatehouse.Configuration;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Relay;

/// <summary>
/// The URLs of a server's endpoint as an OAuth protected resource (RFC 9728), as its metadata and its challenges name them:
/// under the configured issuer when Gatehouse is the authorization server (<c>oauth.issuer</c>), else where the request came.
/// </summary>
public static class ProtectedResourceUrls
{
    /// <summary>Where the protected-resource metadata documents are, before the resource's path.</summary>
    public const string MetadataPath = "/.well-known/oauth-protected-resource";

    /// <summary>The base of every such URL, without a trailing slash.</summary>
    public static string BaseOf(HttpContext context, GatehouseConfig config)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(config);
        return config is { OAuth: { Enabled: true, Issuer: { } issuer } }
            ? issuer.GetLeftPart(UriPartial.Authority)
            : $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
    }

    /// <summary>The endpoint of <paramref name="server"/>, or Gatehouse as a whole (the admin API) when null.</summary>
    public static string Resource(HttpContext context, string? server, GatehouseConfig config) => $"{BaseOf(context, config)}{PathOf(server)}";

    /// <summary>The metadata document of <paramref name="server"/>'s endpoint, or of Gatehouse as a whole when null.</summary>
    public static string Metadata(HttpContext context, string? server, GatehouseConfig config) =>
        $"{BaseOf(context, config)}{MetadataPath}{PathOf(server)}";

    private static string PathOf(string? server) => server is null ? "" : $"/mcp/{Uri.EscapeDataString(server)}";
}
