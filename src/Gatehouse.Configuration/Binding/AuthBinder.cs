using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

internal static class AuthBinder
{
    private static readonly string[] Fields = ["anonymous", "jwt", "authorizationServers"];
    private static readonly string[] JwtFields = ["issuer", "audience", "jwksUrl", "signingKey", "identityClaim", "rolesClaim"];

    public static AuthConfig Bind(JsonObjectNode auth, string path, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(auth, path, Fields, errors);
        if (fields is null)
        {
            return new AuthConfig();
        }

        return new AuthConfig
        {
            Anonymous = fields.Text("anonymous"),
            Jwt = fields.Object("jwt") is { } jwt ? BindJwt(jwt, fields.PathOf("jwt"), environment, errors) : null,
            AuthorizationServers = [.. (fields.StringItems("authorizationServers") ?? []).Select(item => Url(item.Path, item.Value, errors)).OfType<Uri>()],
        };
    }

    private static JwtConfig? BindJwt(JsonObjectNode jwt, string path, EnvironmentExpander environment, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(jwt, path, JwtFields, errors);
        if (fields is null)
        {
            return null;
        }

        fields.Require("issuer");
        fields.Require("audience");
        var issuer = fields.Text("issuer");
        var audience = fields.Text("audience");
        var jwks = fields.String("jwksUrl") is { } url ? Url(fields.PathOf("jwksUrl"), url, errors) : null;
        var key = fields.String("signingKey") is { } secret ? environment.Expand(secret, fields.PathOf("signingKey")) : null;
        if (jwks is not null && key is not null)
        {
            fields.Report("signingKey", "give either jwksUrl or signingKey, not both");
        }

        if (key is not null && key.Length < 32)
        {
            // HMAC-SHA256 needs at least 256 bits of key, or tokens could be forged by guessing it.
            fields.Report("signingKey", "must be at least 32 characters");
        }

        return issuer is null || audience is null ? null : new JwtConfig
        {
            Issuer = issuer,
            Audience = audience,
            JwksUrl = jwks,
            SigningKey = key,
            IdentityClaim = fields.Text("identityClaim") ?? "sub",
            RolesClaim = fields.Text("rolesClaim") ?? "roles",
        };
    }

    private static Uri? Url(string path, JsonStringNode node, ConfigErrorList errors)
    {
        if (Uri.TryCreate(node.Value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri;
        }

        errors.Add(node.Position, path, $"'{node.Value}' is not an absolute http:// or https:// URL");
        return null;
    }
}
