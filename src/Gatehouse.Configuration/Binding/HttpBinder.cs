using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

/// <summary>
/// Binds <c>http</c>. Values are checked against the form browsers and clients actually send, since an
/// entry in any other form could never match and would silently allow nothing.
/// </summary>
internal static class HttpBinder
{
    private static readonly string[] Fields = ["allowedOrigins", "allowedHosts"];

    public static HttpConfig Bind(JsonObjectNode http, string path, ConfigErrorList errors)
    {
        var fields = ObjectFields.Open(http, path, Fields, errors);
        if (fields is null)
        {
            return new HttpConfig();
        }

        return new HttpConfig
        {
            AllowedOrigins = Values(fields, "allowedOrigins", Origin, errors),
            AllowedHosts = Values(fields, "allowedHosts", Host, errors),
        };
    }

    private static IReadOnlyList<string> Values(
        ObjectFields fields, string name, Func<string, (string? Value, string? Error)> check, ConfigErrorList errors)
    {
        var values = new List<string>();
        foreach (var (path, node) in fields.StringItems(name) ?? [])
        {
            var (value, error) = check(node.Value);
            if (error is not null)
            {
                errors.Add(node.Position, path, error);
            }
            else
            {
                values.Add(value!);
            }
        }

        return values.AsReadOnly();
    }

    /// <summary>An Origin header is scheme://host[:port], without a default port or a trailing slash.</summary>
    private static (string?, string?) Origin(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            return (null, $"'{origin}' is not an origin such as https://app.example.com");
        }

        var normalized = uri.GetLeftPart(UriPartial.Authority);
        return string.Equals(normalized, origin, StringComparison.OrdinalIgnoreCase)
            ? (normalized, null)
            : (null, $"'{origin}' is not an origin as browsers send it; did you mean '{normalized}'?");
    }

    /// <summary>A Host header is host[:port]: no scheme, path or credentials.</summary>
    private static (string?, string?) Host(string host)
    {
        var valid = host.Length > 0
            && host.AsSpan().IndexOfAny("/?#@ \t") < 0
            && Uri.TryCreate($"http://{host}", UriKind.Absolute, out var uri)
            && uri.Host.Length > 0;
        return valid ? (host, null) : (null, $"'{host}' is not a host such as gatehouse.example.com or 10.0.0.5:8080");
    }
}
