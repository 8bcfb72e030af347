using Gatehouse.Configuration;
using Gatehouse.Relay;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Authentication;

/// <summary>
/// The OAuth 2.0 protected-resource metadata (RFC 9728) of a server's endpoint: what a client that follows
/// MCP's authorization spec reads to learn where to log in, and which scopes to ask for.
/// </summary>
internal static class ProtectedResourceMetadata
{
    public const string PathPrefix = ProtectedResourceUrls.MetadataPath;

    /// <summary>
    /// The document for a server's endpoint. When Gatehouse is itself the authorization server (<c>oauth</c>), it is named
    /// first, and the endpoint's URL is the one its tokens are issued for: under the configured issuer, or where the request came.
    /// <c>scopes_supported</c> lists the scopes the server's grants and their policies name, when there are any.
    /// </summary>
    public static object For(HttpContext context, string? server, GatehouseConfig config, IScopeCheck scopes)
    {
        var document = new Dictionary<string, object>
        {
            ["resource"] = ProtectedResourceUrls.Resource(context, server, config),
            ["authorization_servers"] = AuthorizationServers(context, config),
            ["bearer_methods_supported"] = new[] { "header" },
            ["resource_name"] = server is null ? "Gatehouse" : $"Gatehouse: {server}",
        };
        if (server is not null && scopes.ScopesOf(server) is { Count: > 0 } supported)
        {
            document["scopes_supported"] = supported;
        }

        return document;
    }

    private static string[] AuthorizationServers(HttpContext context, GatehouseConfig config)
    {
        var others = config.Auth.AuthorizationServers.Select(u => u.ToString());
        // The issuer exactly as Gatehouse's own metadata spells it (with its trailing slash), which clients compare.
        return config.OAuth.Enabled ? [$"{ProtectedResourceUrls.BaseOf(context, config)}/", .. others] : [.. others];
    }
}
