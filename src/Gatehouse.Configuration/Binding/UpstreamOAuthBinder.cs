namespace Gatehouse.Configuration.Binding;

/// <summary>Binds an HTTP server's <c>oauth</c>: how Gatehouse is the OAuth client of a server that requires OAuth.</summary>
internal static class UpstreamOAuthBinder
{
    private static readonly string[] Fields = ["clientId", "clientSecret", "authorizationServer", "scopes", "clientMetadataUrl", "defaultEndpoints"];

    public static UpstreamOAuthConfig? Bind(ObjectFields server, EnvironmentExpander expander, ConfigErrorList errors)
    {
        if (server.Object("oauth") is not { } node || ObjectFields.Open(node, server.PathOf("oauth"), Fields, errors) is not { } fields)
        {
            return null;
        }

        var clientId = fields.String("clientId") is { } id ? expander.Expand(id, fields.PathOf("clientId")) : null;
        if (clientId is { Length: 0 })
        {
            fields.Report("clientId", "must not be empty; leave it out to register dynamically");
        }

        var clientSecret = fields.String("clientSecret") is { } secret ? expander.Expand(secret, fields.PathOf("clientSecret")) : null;
        if (clientSecret is not null && clientId is null)
        {
            // A secret is issued with a client ID; one without the other cannot authenticate anywhere.
            fields.Report("clientSecret", "needs 'clientId': a secret belongs to a pre-registered client");
        }

        var authorizationServer = AuthorizationServer(fields);
        if (clientId is { Length: > 0 } && authorizationServer is null && fields.String("authorizationServer") is null)
        {
            // Credentials are issued by one authorization server; the upstream names which one in metadata it could change.
            fields.Report("clientId", "needs 'authorizationServer': the issuer URL of the authorization server that issued it, the only one it is sent to");
        }

        var scopes = new List<string>();
        foreach (var (path, item) in fields.StringItems("scopes") ?? [])
        {
            if (item.Value.Length == 0 || item.Value.Any(c => c <= ' ' || c == '"' || c == '\\' || c > '~'))
            {
                errors.Add(item.Position, path, $"'{item.Value}' is not an OAuth scope (printable ASCII without spaces, quotes or backslashes)");
            }
            else
            {
                scopes.Add(item.Value);
            }
        }

        return new UpstreamOAuthConfig
        {
            ClientId = clientId is { Length: > 0 } ? clientId : null,
            ClientSecret = clientSecret,
            AuthorizationServer = authorizationServer,
            Scopes = scopes.AsReadOnly(),
            ClientMetadataUrl = MetadataUrl(fields),
            DefaultEndpoints = fields.Boolean("defaultEndpoints") ?? false,
        };
    }

    private static Uri? AuthorizationServer(ObjectFields fields)
    {
        if (fields.String("authorizationServer") is not { } node)
        {
            return null;
        }

        if (!Uri.TryCreate(node.Value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) ||
            uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            fields.Report("authorizationServer", $"'{node.Value}' is not an issuer URL (http:// or https://, without query or fragment)");
            return null;
        }

        return uri;
    }

    private static Uri? MetadataUrl(ObjectFields fields)
    {
        if (fields.String("clientMetadataUrl") is not { } node)
        {
            return null;
        }

        // The document's URL is the client ID, and the specification requires https with a path for it.
        if (!Uri.TryCreate(node.Value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || uri.AbsolutePath is "/" or "")
        {
            fields.Report("clientMetadataUrl", $"'{node.Value}' is not an https:// URL with a path (a client ID metadata document's URL is the client ID)");
            return null;
        }

        return uri;
    }
}
