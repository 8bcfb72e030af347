using System.Security.Claims;
using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Relay;
using Gatehouse.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions.Benchmarks;

/// <summary>
/// A decision point as the gateway builds it, for one grant whose policy has a tool without a limit, one with a
/// limit and one with two, and the session and requests to decide; nothing but the counter store differs.
/// </summary>
public sealed class BenchmarkGateway : IDisposable
{
    public const string NoLimit = "get_campaigns";
    public const string OneLimit = "send_campaign";
    public const string TwoLimits = "send_transactional_email";

    private readonly string _directory = Directory.CreateTempSubdirectory("gatehouse-bench-").FullName;
    private readonly GrantPolicies _grants;

    // The policies here hold no call for approval; the queue is only there because a decision point has one.
    private readonly ServiceProvider _services;

    /// <param name="max">Each limit's budget.</param>
    /// <param name="counterPrefix">Put before every counter name, so runs against one Redis never share a budget.</param>
    public BenchmarkGateway(Func<TimeProvider, ICounterStore> store, TimeProvider time, int max, string counterPrefix = "")
    {
        File.WriteAllText(Path.Combine(_directory, "policy.json"), $$"""
            { "version": "1", "default": "deny",
              "tools": {
                "{{NoLimit}}": {},
                "{{OneLimit}}": { "limits": [
                  { "counter": "{{counterPrefix}}send_campaign_rate", "window": "minute", "max": {{max}}, "scope": "grant" } ] },
                "{{TwoLimits}}": { "limits": [
                  { "counter": "{{counterPrefix}}email_rate", "window": "minute", "max": {{max}}, "scope": "grant" },
                  { "counter": "{{counterPrefix}}email_rate_per_identity", "window": "minute", "max": {{max}}, "scope": "identity" } ] } } }
            """);
        var config = GatehouseConfigLoader.Parse("""
            { "mcpServers": { "listmonk": { "command": "listmonk-mcp" } },
              "grants": [ { "id": "marketing", "server": "listmonk", "identities": ["campaign-agent"], "policy": "policy.json" } ] }
            """, Path.Combine(_directory, "gatehouse.json"));
        _grants = new GrantPolicies(config, time, NullLoggerFactory.Instance);
        _services = new ServiceCollection().AddLogging().AddGatehouseStore(o => o.DataDir = _directory).BuildServiceProvider();
        var approvals = new ApprovalQueue(_services.GetRequiredService<IApprovalStore>(), new DisabledAuditLog(), new NoNotifier(), Options.Create(new ApprovalOptions()), time,
            NullLogger<ApprovalQueue>.Instance);
        var catalog = new ToolCatalog(_services.GetRequiredService<ICatalogStore>(), new DisabledAuditLog(), config, time, NullLogger<ToolCatalog>.Instance);
        Point = new PolicyDecisionPoint(_grants, store(time), new CountersConfig(), approvals, catalog, time, NullLogger<PolicyDecisionPoint>.Instance);
        var tools = new JsonObject
        {
            ["tools"] = new JsonArray([.. new[] { NoLimit, OneLimit, TwoLimits }.Select(n => (JsonNode)new JsonObject { ["name"] = n })]),
        };
        Call = new RelayCall("listmonk", "session-1", new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "campaign-agent")], "bench")),
            new UpstreamTools((_, _, _) => Task.FromResult<JsonNode?>(tools.DeepClone()), TimeProvider.System));
    }

    public PolicyDecisionPoint Point { get; }

    public RelayCall Call { get; }

    public static JsonRpcRequest ToolCall(string tool) => new()
    {
        Id = new RequestId(1),
        Method = RequestMethods.ToolsCall,
        Params = new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject { ["campaign_id"] = 3 } },
    };

    /// <summary>Decides <paramref name="request"/> and says whether it was forwarded, failing on anything unexpected.</summary>
    public async ValueTask<bool> ForwardedAsync(JsonRpcRequest request)
    {
        var decision = await Point.DecideAsync(Call, request, default);
        return decision.Reply is null;
    }

    public void Dispose()
    {
        _grants.Dispose();
        _services.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class NoNotifier : IApprovalNotifier
    {
        public void Requested(HeldCall call)
        {
        }
    }
}

/// <summary>
/// A clock that moves on by <paramref name="step"/> each time it is read: a sliding window then sees calls spread
/// out in time, each admission pushing an old one out, so a counter in a steady state is measured.
/// </summary>
public sealed class SteppingTime(TimeSpan step) : TimeProvider
{
    private long _ticks = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero).UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Add(ref _ticks, step.Ticks), TimeSpan.Zero);
}

/// <summary>A clock that never moves: a full counter stays full.</summary>
public sealed class FrozenTime : TimeProvider
{
    private static readonly DateTimeOffset s_now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => s_now;
}
