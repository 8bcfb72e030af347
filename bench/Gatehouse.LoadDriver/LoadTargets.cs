using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Relay;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace Gatehouse.LoadDriver;

/// <summary>What the driver calls <c>echo</c> on: the upstream itself, or the upstream through a gateway or proxy.</summary>
/// <param name="Transport">A new client transport for each session.</param>
internal sealed record LoadTarget(string Name, string Description, Func<IClientTransport> Transport)
{
    /// <summary>
    /// Pinned so the direct and gateway runs speak the same revision: unpinned, the SDK probes the session-less
    /// 2026-07-28 revision, which the test server would serve statelessly but the gateway refuses, so the two
    /// sides would not be doing the same work.
    /// </summary>
    public const string ProtocolVersion = "2025-11-25";

    /// <summary>
    /// The target's own processes (a proxy and the servers it started), for a target outside this process: their
    /// processor time is what the target spends, which this process's own figures do not include.
    /// </summary>
    public ProcessTree? Processes { get; init; }

    /// <summary>A target served over Streamable HTTP at <paramref name="endpoint"/>.</summary>
    public static LoadTarget Http(string name, string description, Uri endpoint) => new(name, description, () => new HttpClientTransport(
        new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp }));

    public Task<McpClient> ConnectAsync(CancellationToken cancellationToken) =>
        McpClient.CreateAsync(Transport(), new McpClientOptions { ProtocolVersion = ProtocolVersion }, cancellationToken: cancellationToken);
}

/// <summary>The test server and the gateways in front of it, all in this process on 127.0.0.1.</summary>
internal sealed class LoadTargets : IAsyncDisposable
{
    /// <summary>
    /// The decided policy: a counter that never runs out during a run (so every call is admitted and the
    /// counter's bookkeeping is still paid) and an argument condition that every measured call passes.
    /// </summary>
    public const string EnforcedPolicy = """
        {
          "version": "1",
          "default": "deny",
          "tools": {
            "echo": {
              "limits": [ { "counter": "echo_rate", "window": "minute", "max": 100000000, "scope": "grant" } ],
              "arguments": { "conditions": { "message": { "max_length": 1000 } } }
            }
          }
        }
        """;

    private readonly RunningTestServer _upstream;
    private readonly RunningGateway _policyGateway;
    private readonly RunningGateway _relayGateway;
    private readonly RunningGateway _bareGateway;
    private readonly RunningGateway _unauditedGateway;
    private readonly RunningGateway _normalSyncGateway;
    private readonly RunningGateway _discardingGateway;

    private LoadTargets(RunningTestServer upstream, RunningGateway policyGateway, RunningGateway relayGateway, RunningGateway bareGateway,
        RunningGateway unauditedGateway, RunningGateway normalSyncGateway, RunningGateway discardingGateway)
    {
        _upstream = upstream;
        _policyGateway = policyGateway;
        _relayGateway = relayGateway;
        _bareGateway = bareGateway;
        _unauditedGateway = unauditedGateway;
        _normalSyncGateway = normalSyncGateway;
        _discardingGateway = discardingGateway;
        Direct = LoadTarget.Http("direct", "the test server itself, no gateway", upstream.McpUrl);
        Bare = LoadTarget.Http("gateway: relay only, no resume store", "relay only, and resumable streams off (`RelayHttpOptions.ResumeWindow` = 0)", bareGateway.McpUrl("bare"));
        Relay = LoadTarget.Http("gateway: relay only", "gateway with its decision point replaced by allow-all (no policy engine)", relayGateway.McpUrl("relay"));
        AllowAll = LoadTarget.Http("gateway: allow-all policy", "gateway as shipped, grant under `{\"version\":\"1\",\"default\":\"allow\"}`", policyGateway.McpUrl("allow"));
        Enforced = LoadTarget.Http("gateway: enforced policy", "same gateway, grant under the rate-limit + argument-condition policy below", policyGateway.McpUrl("enforced"));
        Unaudited = LoadTarget.Http("gateway: enforced policy, audit off", "a gateway like the one above with `\"audit\": { \"enabled\": false }`",
            unauditedGateway.McpUrl("enforced"));
        NormalSync = LoadTarget.Http("gateway: enforced policy, sqliteSync normal",
            "a gateway like the enforced one with `\"store\": { \"sqliteSync\": \"normal\" }`: the audit on, commits not flushed to the disk one by one",
            normalSyncGateway.McpUrl("enforced"));
        Discarding = LoadTarget.Http("gateway: enforced policy, audit store keeps nothing",
            "a gateway like the enforced one whose audit store drops every commit at once: the audit log's own work (records, redaction, hashing, group commit, waiting) without SQLite and the disk",
            discardingGateway.McpUrl("enforced"));
    }

    public LoadTarget Direct { get; }

    public LoadTarget Bare { get; }

    public LoadTarget Relay { get; }

    public LoadTarget AllowAll { get; }

    public LoadTarget Enforced { get; }

    /// <summary>The enforced policy with nothing recorded: what the audit log costs is the difference.</summary>
    public LoadTarget Unaudited { get; }

    /// <summary>The enforced policy, audited, with SQLite commits that survive a crash of Gatehouse but not a power cut.</summary>
    public LoadTarget NormalSync { get; }

    /// <summary>The enforced policy, audited into a store that keeps nothing: what the audit costs short of the store.</summary>
    public LoadTarget Discarding { get; }

    /// <summary>Direct first: every ratio in the report is against it.</summary>
    public IReadOnlyList<LoadTarget> All => [Direct, Bare, Relay, AllowAll, Enforced, Unaudited, NormalSync];

    /// <summary>Only what the audit log's cost needs, so that more rounds of them fit in the same time.</summary>
    public IReadOnlyList<LoadTarget> Audit => [Direct, Enforced, Unaudited, NormalSync, Discarding];

    public static async Task<LoadTargets> StartAsync(int clients)
    {
        var upstream = await TestServerHost.StartAsync();
        // Room for every concurrent client plus the latency and sanity sessions; the default cap (64) would
        // refuse a large --clients with 503s that would be counted as the gateway's errors.
        var maxSessions = clients + 8;
        var server = () => Upstreams.Http(upstream.McpUrl).With("maxSessions", maxSessions);

        // One gateway holds both policy targets, so allow-all and enforced differ only in the policy.
        var policyGateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("allow", server()), ("enforced", server())),
            QuietSessionLogs,
            new Dictionary<string, string> { ["allow"] = RunningGateway.AllowAll, ["enforced"] = EnforcedPolicy });

        var relayGateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("relay", server())),
            services =>
            {
                QuietSessionLogs(services);
                services.Replace(ServiceDescriptor.Singleton<IDecisionPoint, AllowAllDecisionPoint>());
            });

        // The gateway keeps every event of every response for the resume window; this target shows what that costs.
        var bareGateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("bare", server())),
            services =>
            {
                QuietSessionLogs(services);
                services.Replace(ServiceDescriptor.Singleton<IDecisionPoint, AllowAllDecisionPoint>());
                services.Configure<RelayHttpOptions>(o => o.ResumeWindow = TimeSpan.Zero);
            });

        var unauditedGateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("enforced", server())),
            QuietSessionLogs,
            new Dictionary<string, string> { ["enforced"] = EnforcedPolicy },
            sections: new JsonObject { ["audit"] = new JsonObject { ["enabled"] = false } });

        var normalSyncGateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("enforced", server())),
            QuietSessionLogs,
            new Dictionary<string, string> { ["enforced"] = EnforcedPolicy },
            store: new JsonObject { ["sqliteSync"] = "normal" });

        var discardingGateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("enforced", server())),
            services =>
            {
                QuietSessionLogs(services);
                services.Replace(ServiceDescriptor.Singleton<IAuditStore, DiscardingAuditStore>());
            },
            new Dictionary<string, string> { ["enforced"] = EnforcedPolicy });

        return new LoadTargets(upstream, policyGateway, relayGateway, bareGateway, unauditedGateway, normalSyncGateway, discardingGateway);
    }

    /// <summary>
    /// Session open and close are logged at Information, a line per client session on the console the report
    /// is printed to. Nothing on the per-call path logs at that level, so this does not flatter the numbers.
    /// </summary>
    private static void QuietSessionLogs(IServiceCollection services) =>
        services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(null, "Gatehouse", LogLevel.Warning, null)));

    public async ValueTask DisposeAsync()
    {
        await _discardingGateway.DisposeAsync();
        await _normalSyncGateway.DisposeAsync();
        await _unauditedGateway.DisposeAsync();
        await _bareGateway.DisposeAsync();
        await _relayGateway.DisposeAsync();
        await _policyGateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }
}
