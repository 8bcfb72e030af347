using System.Collections.ObjectModel;
using Gatehouse.Configuration.Json;
using Gatehouse.Policy;

namespace Gatehouse.Configuration.Binding;

/// <summary>Binds <c>mcpServers</c>: the block MCP clients write, plus the gateway's per-server limits.</summary>
internal sealed class UpstreamServersBinder(string configDirectory, EnvironmentExpander expander, ConfigErrorList errors)
{
    private static readonly string[] Fields =
    [
        "type", "command", "args", "env", "cwd", "url", "transport", "headers",
        "allowUnknownMethods", "maxSessions", "maxSessionsPerIdentity", "idleTimeout", "callTimeout", "disabled", "toolClasses", "pool", "oauth",
    ];

    private static readonly string[] ToolClassFields = ["category", "risk", "reason"];

    private static readonly string[] PoolFields = ["min", "max", "sessions"];

    private static readonly string[] StdioOnlyFields = ["args", "env", "cwd", "pool"];
    private static readonly string[] HttpOnlyFields = ["transport", "headers", "oauth"];

    /// <summary>VS Code's <c>type</c>; "http" there means "try Streamable HTTP, fall back to SSE".</summary>
    private static readonly Dictionary<string, DeclaredServerType> Types = new DeclaredServerType[]
    {
        new("stdio", UpstreamKind.Stdio, UpstreamTransport.AutoDetect),
        new("http", UpstreamKind.Http, UpstreamTransport.AutoDetect),
        new("streamable-http", UpstreamKind.Http, UpstreamTransport.StreamableHttp),
        new("sse", UpstreamKind.Http, UpstreamTransport.Sse),
    }.ToDictionary(type => type.Text, StringComparer.Ordinal);

    private static readonly Dictionary<string, UpstreamTransport> Transports = new(StringComparer.Ordinal)
    {
        ["streamable-http"] = UpstreamTransport.StreamableHttp,
        ["sse"] = UpstreamTransport.Sse,
    };

    public IReadOnlyDictionary<string, UpstreamServerConfig> Bind(JsonObjectNode servers, string path)
    {
        var result = new Dictionary<string, UpstreamServerConfig>(StringComparer.Ordinal);
        foreach (var entry in servers.Properties)
        {
            var serverPath = FieldPath.Member(path, entry.Name);
            if (!NameRule.IsValid(entry.Name))
            {
                errors.Add(entry.NamePosition, serverPath, entry.Name.Length == 0
                    ? "server name must not be empty"
                    : $"server name {NameRule.Description}, because it becomes the URL segment /mcp/{{server}}");
            }

            if (BindServer(entry.Name, entry.Value, serverPath) is { } server)
            {
                result.Add(entry.Name, server);
            }
        }

        return result.AsReadOnly();
    }

    private UpstreamServerConfig? BindServer(string name, JsonValueNode node, string path)
    {
        var fields = ObjectFields.Open(node, path, Fields, errors);
        if (fields is null)
        {
            return null;
        }

        var type = DeclaredType(fields);
        var kind = KindOf(fields, type);

        // Every field is read even when the kind is unknown, so that all of the entry's problems are reported.
        var server = new UpstreamServerConfig
        {
            Name = name,
            Kind = kind ?? UpstreamKind.Stdio,
            Command = Command(fields),
            Args = Args(fields),
            Env = Env(fields),
            Cwd = Cwd(fields),
            Url = Url(fields),
            Transport = TransportOf(fields, kind, type),
            Headers = Headers(fields),
            OAuth = UpstreamOAuthBinder.Bind(fields, expander, errors),
            AllowUnknownMethods = fields.Boolean("allowUnknownMethods") ?? false,
            MaxSessions = fields.PositiveInteger("maxSessions") ?? UpstreamServerConfig.DefaultMaxSessions,
            MaxSessionsPerIdentity = fields.PositiveInteger("maxSessionsPerIdentity"),
            IdleTimeout = fields.Timeout("idleTimeout") ?? UpstreamServerConfig.DefaultIdleTimeout,
            CallTimeout = fields.Timeout("callTimeout") ?? UpstreamServerConfig.DefaultCallTimeout,
            Disabled = fields.Boolean("disabled") ?? false,
            ToolClasses = ToolClasses(fields),
            Pool = Pool(fields),
        };
        return kind is null ? null : server;
    }

    private ProcessPoolConfig? Pool(ObjectFields fields)
    {
        if (fields.Object("pool") is not { } node || ObjectFields.Open(node, fields.PathOf("pool"), PoolFields, errors) is not { } pool)
        {
            return null;
        }

        var min = pool.WholeNumber("min", 0, ProcessPoolConfig.Largest) ?? ProcessPoolConfig.DefaultMin;
        var max = pool.WholeNumber("max", 1, ProcessPoolConfig.Largest) ?? Math.Max(min, ProcessPoolConfig.DefaultMax);
        if (min > max)
        {
            pool.Report("min", $"must not exceed max ({max})");
            return null;
        }

        return new ProcessPoolConfig(min, max, pool.Boolean("sessions") ?? false);
    }

    private static DeclaredServerType? DeclaredType(ObjectFields fields)
    {
        if (fields.String("type") is not { } node)
        {
            return null;
        }

        if (Types.TryGetValue(node.Value, out var type))
        {
            return type;
        }

        fields.Report("type", $"must be one of: {string.Join(", ", Types.Keys)}");
        return null;
    }

    /// <summary>Decides stdio or HTTP from command/url, checks <c>type</c> agrees, and refuses the other kind's fields.</summary>
    private static UpstreamKind? KindOf(ObjectFields fields, DeclaredServerType? type)
    {
        var hasCommand = fields.Has("command");
        var hasUrl = fields.Has("url");
        if (hasCommand == hasUrl)
        {
            fields.ReportObject(hasCommand
                ? "has both 'command' and 'url'; a server is either launched by Gatehouse (command) or reached over HTTP (url)"
                : "needs 'command' (a server Gatehouse launches) or 'url' (a server it reaches over HTTP)");
            return null;
        }

        var kind = hasCommand ? UpstreamKind.Stdio : UpstreamKind.Http;
        if (type is not null && type.Kind != kind)
        {
            fields.Report("type", $"'{type.Text}' contradicts '{(hasCommand ? "command" : "url")}'");
        }

        foreach (var misplaced in (kind == UpstreamKind.Stdio ? HttpOnlyFields : StdioOnlyFields).Where(fields.Has))
        {
            fields.Report(misplaced, kind == UpstreamKind.Stdio
                ? "applies only to servers reached by 'url'"
                : "applies only to servers launched by 'command'");
        }

        return kind;
    }

    private static UpstreamTransport TransportOf(ObjectFields fields, UpstreamKind? kind, DeclaredServerType? type)
    {
        var implied = type?.Transport ?? UpstreamTransport.AutoDetect;
        if (kind != UpstreamKind.Http || fields.String("transport") is not { } node)
        {
            return implied;
        }

        if (!Transports.TryGetValue(node.Value, out var transport))
        {
            fields.Report("transport", $"must be one of: {string.Join(", ", Transports.Keys)}");
            return implied;
        }

        if (implied != UpstreamTransport.AutoDetect && implied != transport)
        {
            fields.Report("transport", $"'{node.Value}' contradicts type '{type!.Text}'");
        }

        return transport;
    }

    private string? Command(ObjectFields fields)
    {
        var command = Expanded(fields, "command");
        if (command is { Length: 0 })
        {
            fields.Report("command", "must not be empty");
        }

        return command;
    }

    private IReadOnlyList<string> Args(ObjectFields fields) =>
        [.. (fields.StringItems("args") ?? []).Select(item => expander.Expand(item.Value, item.Path) ?? "")];

    private IReadOnlyDictionary<string, string> Env(ObjectFields fields)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, path, entry, value) in fields.StringEntries("env") ?? [])
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add(entry.NamePosition, path, "an environment variable name must be non-empty and contain no '=' or NUL");
            }

            env[key] = expander.Expand(value, path) ?? "";
        }

        return env.AsReadOnly();
    }

    private string? Cwd(ObjectFields fields)
    {
        var cwd = Expanded(fields, "cwd");
        if (cwd is null)
        {
            return null;
        }

        if (cwd.Length == 0 || !RelativePath.TryResolve(cwd, configDirectory, out var fullPath))
        {
            fields.Report("cwd", "must be a directory path");
            return null;
        }

        return fullPath;
    }

    private Uri? Url(ObjectFields fields)
    {
        if (fields.String("url") is not { } node || expander.Expand(node, fields.PathOf("url")) is not { } url)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.Host.Length == 0)
        {
            // The text as written, not as expanded: an expanded URL may carry a secret.
            fields.Report("url", $"'{node.Value}' is not an absolute http:// or https:// URL");
            return null;
        }

        return uri;
    }

    private IReadOnlyDictionary<string, ToolClassOverride> ToolClasses(ObjectFields fields)
    {
        var classes = new Dictionary<string, ToolClassOverride>(StringComparer.Ordinal);
        foreach (var entry in fields.Object("toolClasses")?.Properties ?? [])
        {
            var path = FieldPath.Member(fields.PathOf("toolClasses"), entry.Name);
            if (ObjectFields.Open(entry.Value, path, ToolClassFields, errors) is not { } toolClass)
            {
                continue;
            }

            toolClass.Require("category");
            toolClass.Require("risk");
            var category = Choice<ToolCategory>(toolClass, "category");
            var risk = Choice<ToolRisk>(toolClass, "risk");
            var reason = toolClass.Text("reason");
            if (category is { } c && risk is { } r)
            {
                classes[entry.Name] = new ToolClassOverride(c, r, reason);
            }
        }

        return classes.AsReadOnly();
    }

    // The names are the enums' own, in lower case, as policies write them.
    private static T? Choice<T>(ObjectFields fields, string name)
        where T : struct, Enum
    {
        if (fields.String(name) is not { } node)
        {
            return null;
        }

        var names = Enum.GetValues<T>().ToDictionary(value => value.ToString().ToLowerInvariant(), StringComparer.Ordinal);
        if (names.TryGetValue(node.Value, out var value))
        {
            return value;
        }

        fields.Report(name, $"expected one of: {string.Join(", ", names.Keys)}");
        return null;
    }

    private IReadOnlyDictionary<string, string> Headers(ObjectFields fields)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, path, entry, value) in fields.StringEntries("headers") ?? [])
        {
            if (!HttpToken.IsValid(key))
            {
                errors.Add(entry.NamePosition, path, "is not a valid HTTP header name");
            }
            else if (headers.ContainsKey(key))
            {
                errors.Add(entry.NamePosition, path, "repeats a header name (header names ignore case)");
            }

            var expanded = expander.Expand(value, path) ?? "";
            if (expanded.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            {
                errors.Add(value.Position, path, "a header value must not contain CR, LF or NUL");
            }

            headers[key] = expanded;
        }

        return headers.AsReadOnly();
    }

    private sealed record DeclaredServerType(string Text, UpstreamKind Kind, UpstreamTransport Transport);

    private string? Expanded(ObjectFields fields, string name) =>
        fields.String(name) is { } node ? expander.Expand(node, fields.PathOf(name)) : null;
}
