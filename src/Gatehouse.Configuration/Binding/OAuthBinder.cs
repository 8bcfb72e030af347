using Gatehouse.Configuration.Json;
using Gatehouse.Policy;

namespace Gatehouse.Configuration.Binding;

/// <summary>Binds <c>oauth</c>: Gatehouse as the authorization server of its MCP endpoints.</summary>
internal static class OAuthBinder
{
    private static readonly string[] Fields =
        ["enabled", "issuer", "accessTokenLifetime", "refreshTokenLifetime", "clients", "dynamicRegistration", "clientMetadataDocuments", "localSignIn"];

    private static readonly string[] ClientFields = ["clientId", "redirectUris", "clientSecret", "displayName"];
    private static readonly string[] DocumentFields = ["enabled", "allowPrivateAddresses"];

    // Schemes a browser would run or read locally rather than hand to an application: a code sent there is a code stolen.
    private static readonly string[] RefusedRedirectSchemes = ["javascript", "data", "file", "vbscript", "blob", "about"];

    /// <param name="listen">The configuration's <c>listen</c>: without an issuer, tokens are issued at that address.</param>
    public static OAuthConfig Bind(JsonObjectNode oauth, string path, string listen, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(oauth, path, Fields, errors);
        if (fields is null)
        {
            return new OAuthConfig();
        }

        var issuer = Issuer(fields);
        var enabled = fields.Boolean("enabled") ?? true;
        if (enabled && issuer is null && !ListenAddress.IsLoopback(listen) && !listen.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            // Codes and tokens cross the wire in clear over plain HTTP: only this machine may see them.
            fields.Report("issuer", $"is required when Gatehouse listens on '{listen}', which is neither loopback nor https://: " +
                "set it to the https:// address clients reach Gatehouse at (a proxy that terminates TLS in front of it)");
        }

        var access = Lifetime(fields, "accessTokenLifetime", OAuthConfig.ShortestAccessTokenLifetime, OAuthConfig.LongestAccessTokenLifetime)
            ?? OAuthConfig.DefaultAccessTokenLifetime;
        var refresh = Lifetime(fields, "refreshTokenLifetime", access, OAuthConfig.LongestRefreshTokenLifetime) ?? OAuthConfig.DefaultRefreshTokenLifetime;
        return new OAuthConfig
        {
            Enabled = enabled,
            Issuer = issuer,
            AccessTokenLifetime = access,
            RefreshTokenLifetime = refresh,
            Clients = fields.Array("clients") is { } clients ? Clients(clients, fields.PathOf("clients"), environment, errors) : [],
            DynamicRegistration = Registration(fields),
            LocalSignIn = fields.Boolean("localSignIn") ?? false,
            ClientMetadataDocuments = fields.Object("clientMetadataDocuments") is { } documents
                ? Documents(documents, fields.PathOf("clientMetadataDocuments"), errors)
                : new ClientMetadataDocumentsConfig(),
        };
    }

    private static Uri? Issuer(ObjectFields fields)
    {
        if (fields.String("issuer") is not { } node)
        {
            return null;
        }

        if (!Uri.TryCreate(node.Value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.Host.Length == 0 || uri.UserInfo.Length > 0 || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            fields.Report("issuer", $"'{node.Value}' is not an address such as https://gatehouse.example.com: only a scheme, host and port");
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !ListenAddress.IsLoopbackHost(uri.DnsSafeHost))
        {
            fields.Report("issuer", $"'{node.Value}' must be https:// (http:// only on a loopback address): codes and tokens pass through it");
            return null;
        }

        return uri;
    }

    private static TimeSpan? Lifetime(ObjectFields fields, string name, TimeSpan shortest, TimeSpan longest)
    {
        if (fields.Duration(name) is not { } lifetime)
        {
            return null;
        }

        if (lifetime < shortest || lifetime > longest)
        {
            fields.Report(name, $"must be from {Durations.Format(shortest)} to {Durations.Format(longest)}, not {Durations.Format(lifetime)}");
            return null;
        }

        return lifetime;
    }

    private static DynamicRegistration Registration(ObjectFields fields)
    {
        var node = fields.String("dynamicRegistration");
        switch (node?.Value)
        {
            case null or "loopback":
                return DynamicRegistration.Loopback;
            case "any":
                return DynamicRegistration.Any;
            case "off":
                return DynamicRegistration.Off;
            default:
                fields.Report("dynamicRegistration", $"must be \"loopback\", \"any\" or \"off\", not '{node.Value}'");
                return DynamicRegistration.Loopback;
        }
    }

    private static ClientMetadataDocumentsConfig Documents(JsonObjectNode documents, string path, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(documents, path, DocumentFields, errors);
        return new ClientMetadataDocumentsConfig
        {
            Enabled = fields?.Boolean("enabled") ?? true,
            AllowPrivateAddresses = fields?.Boolean("allowPrivateAddresses") ?? false,
        };
    }

    private static List<OAuthClientConfig> Clients(JsonArrayNode clients, string path, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var bound = new List<OAuthClientConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < clients.Items.Count; i++)
        {
            var itemPath = FieldPath.Item(path, i);
            var fields = ObjectFields.Open(clients.Items[i], itemPath, ClientFields, errors);
            if (fields is null)
            {
                continue;
            }

            fields.Require("clientId");
            fields.Require("redirectUris");
            var clientId = fields.Text("clientId");
            if (clientId is not null && (clientId.Any(char.IsWhiteSpace) || clientId.Any(char.IsControl)))
            {
                fields.Report("clientId", $"'{clientId}' must not contain spaces or control characters");
                clientId = null;
            }
            else if (clientId is not null && !seen.Add(clientId))
            {
                fields.Report("clientId", $"'{clientId}' is registered twice");
                clientId = null;
            }

            var redirects = RedirectUris(fields, errors);
            var secret = fields.String("clientSecret") is { } text ? environment.Expand(text, fields.PathOf("clientSecret")) : null;
            if (secret is { Length: < 16 })
            {
                fields.Report("clientSecret", "must be at least 16 characters: a short secret can be guessed");
            }

            if (clientId is not null && redirects is { Count: > 0 })
            {
                bound.Add(new OAuthClientConfig { ClientId = clientId, RedirectUris = redirects, ClientSecret = secret, DisplayName = fields.Text("displayName") });
            }
        }

        return bound;
    }

    private static List<Uri>? RedirectUris(ObjectFields fields, ConfigErrorList errors)
    {
        var items = fields.StringItems("redirectUris");
        if (items is { Count: 0 })
        {
            fields.Report("redirectUris", "must name at least one redirect URI");
        }

        var uris = new List<Uri>();
        foreach (var (itemPath, node) in items ?? [])
        {
            if (RedirectUriError(node.Value, out var uri) is { } error)
            {
                errors.Add(node.Position, itemPath, error);
            }
            else
            {
                uris.Add(uri!);
            }
        }

        return items is null ? null : uris;
    }

    /// <summary>Why <paramref name="text"/> cannot be a redirect URI (RFC 9700 §2.1, OAuth 2.1 §2.3.1), or null.</summary>
    internal static string? RedirectUriError(string text, out Uri? uri)
    {
        // A path alone parses as a file URI on Unix: only text that starts with its scheme is an absolute URI here.
        if (!Uri.TryCreate(text, UriKind.Absolute, out uri) || !text.StartsWith(uri.Scheme + ":", StringComparison.OrdinalIgnoreCase)
            || uri.Fragment.Length > 0 || text.Contains('#'))
        {
            return $"'{text}' is not an absolute URI without a fragment, such as https://client.example.com/callback";
        }

        if (RefusedRedirectSchemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            return $"'{text}' uses the scheme '{uri.Scheme}', which a browser does not hand to an application";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !ListenAddress.IsLoopbackHost(uri.DnsSafeHost))
        {
            return $"'{text}' must be https:// (http:// only on a loopback address): the code travels in it";
        }

        return null;
    }
}
