using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace Gatehouse.Testing;

/// <summary>A real gateway on 127.0.0.1 with a port of its own, built from a configuration written to disk.</summary>
public sealed class RunningGateway : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDirectory _directory;

    private RunningGateway(WebApplication app, TestDirectory directory, GatehouseConfig config)
    {
        _app = app;
        _directory = directory;
        Config = config;
        var (gateway, console) = GatewayListeners.Addresses(app);
        BaseUrl = new Uri(gateway);
        ConsoleUrl = new Uri(console);
    }

    public Uri BaseUrl { get; }

    /// <summary>Where the console is served: <see cref="BaseUrl"/>, unless <c>console.listen</c> gives it an address of its own.</summary>
    public Uri ConsoleUrl { get; }

    public GatehouseConfig Config { get; }

    public IServiceProvider Services => _app.Services;

    public Uri McpUrl(string server) => new(BaseUrl, $"/mcp/{server}");

    /// <summary>The policy file of <paramref name="server"/>'s grant, to edit while the gateway runs.</summary>
    public string PolicyPath(string server) => _directory.File($"policy-{server}.json");

    /// <summary>The identity every test request acts as (the configuration's anonymous identity).</summary>
    public const string Identity = "test";

    /// <summary>A policy that lets everything through: the gateway is then transparent.</summary>
    public const string AllowAll = """{ "version": "1", "default": "allow" }""";

    /// <summary>
    /// Starts a gateway whose <c>mcpServers</c> block is <paramref name="servers"/>, each server granted to
    /// <see cref="Identity"/> under its policy in <paramref name="policies"/> (by server name) or <see cref="AllowAll"/>.
    /// </summary>
    public static async Task<RunningGateway> StartAsync(JsonObject servers, Action<IServiceCollection>? configureServices = null,
        IReadOnlyDictionary<string, string>? policies = null, JsonObject? auth = null, JsonObject? store = null, JsonArray? extraGrants = null,
        JsonObject? counters = null, JsonObject? sections = null, JsonObject? grantFields = null)
    {
        var directory = new TestDirectory();
        var path = GatewayConfigFile.Write(directory, servers, policies, listen: "http://127.0.0.1:0", auth, store, extraGrants, counters, sections, grantFields);
        var config = GatehouseConfigLoader.Load(path);
        var app = GatewayApplication.Build(config, configureServices: configureServices);
        await app.StartAsync();
        return new RunningGateway(app, directory, config);
    }

    /// <summary>Connects a real MCP client (the SDK's) to <paramref name="server"/> through the gateway.</summary>
    public Task<McpClient> ConnectAsync(string server, McpClientOptions? options = null, HttpTransportMode mode = HttpTransportMode.StreamableHttp,
        string? bearer = null)
    {
        var endpoint = mode == HttpTransportMode.Sse ? new Uri(BaseUrl, $"/mcp/{server}/sse") : McpUrl(server);
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = mode,
            AdditionalHeaders = bearer is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {bearer}" },
        });
        return McpClient.CreateAsync(transport, options);
    }

    /// <summary>
    /// <paramref name="options"/> (or new ones) asking for MCP 2025-11-25: a session opened with initialize, for a test
    /// of what only sessions have (server-to-client requests, resources/subscribe, logging/setLevel). Without it the
    /// SDK's client speaks the session-less 2026-07-28 wherever the upstream does.
    /// </summary>
    public static McpClientOptions InSession(McpClientOptions? options = null)
    {
        options ??= new McpClientOptions();
        options.ProtocolVersion = "2025-11-25";
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _directory.Dispose();
    }
}

/// <summary>The <c>mcpServers</c> entries the tests put behind the gateway.</summary>
public static class Upstreams
{
    /// <summary>npm's reference server, launched over stdio.</summary>
    public static JsonObject Everything() => new()
    {
        ["command"] = NodeTools.Locate().Node,
        ["args"] = new JsonArray(NodeTools.Locate().ServerEverything, "stdio"),
    };

    /// <summary>The bundled demo mailing-list server, launched over stdio from the gatehouse assembly.</summary>
    public static JsonObject Demo(string databasePath) => new()
    {
        ["command"] = "dotnet",
        ["args"] = new JsonArray(GatehouseAssembly, "demo-server", "--db", databasePath),
    };

    /// <summary>The gatehouse assembly, to launch with 'dotnet' as a child process.</summary>
    public static string GatehouseAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "gatehouse.dll");

    /// <summary>An upstream reached over Streamable HTTP.</summary>
    public static JsonObject Http(Uri url) => new() { ["url"] = url.ToString(), ["transport"] = "streamable-http" };

    public static JsonObject With(this JsonObject server, string name, JsonNode? value)
    {
        server[name] = value;
        return server;
    }

    public static JsonObject Servers(params (string Name, JsonObject Server)[] servers)
    {
        var block = new JsonObject();
        foreach (var (name, server) in servers)
        {
            block[name] = server;
        }

        return block;
    }

    public static string Json(this JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
