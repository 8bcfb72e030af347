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

    /// <summary>The metadata document's URL for the endpoint <paramref name="context"/> addressed.</summary>
    public static string UrlFor(HttpContext context, string server) =>
        $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}{PathPrefix}/mcp/{Uri.EscapeDataString(server)}";

    public static object For(HttpContext context, string server, AuthConfig auth) => new Dictionary<string, object>
    {
        ["resource"] = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/mcp/{Uri.EscapeDataString(server)}",
        ["authorization_servers"] = auth.AuthorizationServers.Select(u => u.ToString()).ToArray(),
        ["bearer_methods_supported"] = new[] { "header" },
        ["resource_name"] = $"Gatehouse: {server}",
    };
}
