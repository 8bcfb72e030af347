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
    public static string UrlFor(HttpContext context, string? server) => $"{Base(context)}{PathPrefix}{ResourcePath(server)}";

    public static object For(HttpContext context, string? server, AuthConfig auth) => new Dictionary<string, object>
    {
        ["resource"] = $"{Base(context)}{ResourcePath(server)}",
        ["authorization_servers"] = auth.AuthorizationServers.Select(u => u.ToString()).ToArray(),
        ["bearer_methods_supported"] = new[] { "header" },
        ["resource_name"] = server is null ? "Gatehouse" : $"Gatehouse: {server}",
    };

    private static string Base(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";

    private static string ResourcePath(string? server) => server is null ? "" : $"/mcp/{Uri.EscapeDataString(server)}";
}
