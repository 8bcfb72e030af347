using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class ConsoleBinder
{
    private static readonly string[] Fields = ["listen", "oidc"];
    private static readonly string[] OidcFields = ["clientId", "clientSecret", "scopes", "displayName"];

    /// <param name="jwt">The configuration's <c>auth.jwt</c>: the provider the console signs people in with, and how its tokens name them.</param>
    public static ConsoleConfig Bind(JsonObjectNode console, string path, JwtConfig? jwt, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(console, path, Fields, errors);
        if (fields is null)
        {
            return new ConsoleConfig();
        }

        var listen = fields.String("listen")?.Value;
        if (listen is not null && !ListenAddress.TryValidate(listen, out var error))
        {
            fields.Report("listen", error!);
        }

        return new ConsoleConfig
        {
            Listen = listen,
            Oidc = fields.Object("oidc") is { } oidc ? BindOidc(oidc, fields.PathOf("oidc"), jwt, environment, errors) : null,
        };
    }

    private static ConsoleOidcConfig? BindOidc(JsonObjectNode oidc, string path, JwtConfig? jwt, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(oidc, path, OidcFields, errors);
        if (fields is null)
        {
            return null;
        }

        if (jwt is null)
        {
            // One provider for tokens and for people: a person is the same identity either way.
            fields.ReportObject("needs auth.jwt: the console signs people in with the provider at auth.jwt.issuer and reads who they are " +
                "and their roles from its identityClaim and rolesClaim");
        }
        else if (!IssuerIsSafe(jwt.Issuer))
        {
            // The provider's answer decides who is an admin: over plain HTTP anyone on the way could answer instead.
            fields.ReportObject($"needs an https:// issuer in auth.jwt.issuer, not '{jwt.Issuer}' (http:// only on a loopback address)");
        }

        fields.Require("clientId");
        var clientId = fields.Text("clientId");
        var secret = fields.String("clientSecret") is { } text ? environment.Expand(text, fields.PathOf("clientSecret")) : null;
        var scopes = fields.StringItems("scopes");
        foreach (var (itemPath, scope) in scopes ?? [])
        {
            if (scope.Value.Length == 0 || scope.Value.Any(char.IsWhiteSpace))
            {
                errors.Add(scope.Position, itemPath, $"'{scope.Value}' is not a scope: one word, without spaces");
            }
        }

        return clientId is null || jwt is null ? null : new ConsoleOidcConfig
        {
            ClientId = clientId,
            ClientSecret = secret,
            Scopes = scopes is null ? ConsoleOidcConfig.DefaultScopes : ["openid", .. scopes.Select(s => s.Value.Value).Where(s => s != "openid").Distinct()],
            DisplayName = fields.Text("displayName"),
        };
    }

    private static bool IssuerIsSafe(string issuer) =>
        Uri.TryCreate(issuer, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && ListenAddress.IsLoopbackHost(uri.DnsSafeHost)));
}
