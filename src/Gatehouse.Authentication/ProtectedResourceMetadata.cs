using Gatehouse.Configuration;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Authentication;

/// <summary>
/// The OAuth 2.0 protected-resource metadata (RFC 9728) of a server's endpoint: what a client that follows
/// MCP's authorization spec reads to learn where to log in.
/// </summary>
internal static class ProtectedResourceMetadata
{
    public const string PathPrefix = "/.well-known/oauth-protected-resource";

    /// <summary>The metadata document's URL for a server's endpoint, or for Gatehouse as a whole (the admin API).</summary>
    public static string UrlFor(HttpContext context, string? server, GatehouseConfig config) => $"{Base(context, config)}{PathPrefix}{ResourcePath(server)}";

    /// <summary>
    /// The document for a server's endpoint. When Gatehouse is itself the authorization server (<c>oauth</c>), it is named
    /// first, and the endpoint's URL is the one its tokens are issued for: under the configured issuer, or where the request came.
    /// </summary>
    public static object For(HttpContext context, string? server, GatehouseConfig config) => new Dictionary<string, object>
    {
        ["resource"] = $"{Base(context, config)}{ResourcePath(server)}",
        ["authorization_servers"] = AuthorizationServers(context, config),
        ["bearer_methods_supported"] = new[] { "header" },
        ["resource_name"] = server is null ? "Gatehouse" : $"Gatehouse: {server}",
    };

    private static string[] AuthorizationServers(HttpContext context, GatehouseConfig config)
    {
        var others = config.Auth.AuthorizationServers.Select(u => u.ToString());
        // The issuer exactly as Gatehouse's own metadata spells it (with its trailing slash), which clients compare.
        return config.OAuth.Enabled ? [$"{Base(context, config)}/", .. others] : [.. others];
    }

    private static string Base(HttpContext context, GatehouseConfig? config = null) =>
        config is { OAuth: { Enabled: true, Issuer: { } issuer } }
            ? issuer.GetLeftPart(UriPartial.Authority)
            : $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";

    private static string ResourcePath(string? server) => server is null ? "" : $"/mcp/{Uri.EscapeDataString(server)}";
}
