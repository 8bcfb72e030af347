using System.Collections.ObjectModel;
using Gatehouse.Configuration.Json;

namespace Gatehouse.Configuration.Binding;

/// <summary>Binds the document's top level and hands each section to its binder.</summary>
internal sealed class GatehouseConfigBinder(string configPath, Func<string, string?> environment, ConfigErrorList errors)
{
    // "$schema" lets editors offer completion; it has no meaning to Gatehouse.
    private static readonly string[] Fields = ["$schema", "listen", "dataDir", "mcpServers", "grants", "auth", "http", "store", "counters", "audit", "catalog", "telemetry", "console", "oauth"];

    private readonly string _configDirectory = Path.GetDirectoryName(configPath)!;

    public GatehouseConfig? Bind(JsonValueNode root)
    {
        var fields = ObjectFields.Open(root, "", Fields, errors);
        if (fields is null)
        {
            return null;
        }

        var servers = fields.Object("mcpServers");
        var grants = fields.Array("grants");
        var auth = fields.Object("auth");
        var http = fields.Object("http");
        var store = fields.Object("store");
        var counters = fields.Object("counters");
        var audit = fields.Object("audit");
        var catalog = fields.Object("catalog");
        var telemetry = fields.Object("telemetry");
        var console = fields.Object("console");
        var oauth = fields.Object("oauth");
        var environmentExpander = new EnvironmentExpander(environment, _configDirectory, errors);
        var serverNames = servers?.Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var authConfig = auth is null ? new AuthConfig() : AuthBinder.Bind(auth, fields.PathOf("auth"), environmentExpander, errors);
        var listen = Listen(fields);
        return new GatehouseConfig
        {
            ConfigPath = configPath,
            Listen = listen,
            DataDir = DataDir(fields),
            McpServers = servers is null
                ? ReadOnlyDictionary<string, UpstreamServerConfig>.Empty
                : new UpstreamServersBinder(_configDirectory, environmentExpander, errors)
                    .Bind(servers, fields.PathOf("mcpServers")),
            Grants = grants is null ? [] : new GrantsBinder(_configDirectory, serverNames, environmentExpander, errors).Bind(grants, fields.PathOf("grants")),
            Auth = authConfig,
            Http = http is null ? new HttpConfig() : HttpBinder.Bind(http, fields.PathOf("http"), errors),
            Store = store is null ? new StoreConfig() : StoreBinder.Bind(store, fields.PathOf("store"), environmentExpander, errors),
            Counters = counters is null ? new CountersConfig() : CountersBinder.Bind(counters, fields.PathOf("counters"), environmentExpander, errors),
            Audit = audit is null ? new AuditConfig() : AuditBinder.Bind(audit, fields.PathOf("audit"), environmentExpander, errors),
            Catalog = catalog is null ? new CatalogConfig() : CatalogBinder.Bind(catalog, fields.PathOf("catalog"), errors),
            Telemetry = telemetry is null ? new TelemetryConfig() : TelemetryBinder.Bind(telemetry, fields.PathOf("telemetry"), errors),
            Console = console is null ? new ConsoleConfig() : ConsoleBinder.Bind(console, fields.PathOf("console"), authConfig.Jwt, environmentExpander, errors),
            OAuth = oauth is null ? new OAuthConfig() : OAuthBinder.Bind(oauth, fields.PathOf("oauth"), listen, environmentExpander, errors),
        };
    }

    private static string Listen(ObjectFields fields)
    {
        var listen = fields.String("listen")?.Value ?? GatehouseConfig.DefaultListen;
        if (!ListenAddress.TryValidate(listen, out var error))
        {
            fields.Report("listen", error!);
        }

        return listen;
    }

    private string DataDir(ObjectFields fields)
    {
        var dataDir = fields.Text("dataDir") ?? GatehouseConfig.DefaultDataDir;
        if (!RelativePath.TryResolve(dataDir, _configDirectory, out var fullPath))
        {
            fields.Report("dataDir", "must be a directory path");
        }

        return fullPath;
    }
}
