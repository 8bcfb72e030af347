using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Client;

namespace Gatehouse.Tests.Approvals;

/// <summary>
/// A call approved after its caller has gone (the replica that held it stopped, or it was refused when it came to
/// run) is never run; once the run timeout has passed since its approval, the expiry sweep ends it as expired.
/// </summary>
public sealed class ApprovedNeverRunTests : IAsyncLifetime
{
    private const string Policy = """
        { "version": "1", "default": "deny",
          "tools": { "send_campaign": { "action": "require_approval", "limits": [ { "counter": "sends", "window": "minute", "max": 1 } ] } } }
        """;

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TestDirectory _data = new();
    private RunningGateway _gateway = null!;

    private ApprovalQueue Queue => _gateway.Services.GetRequiredService<ApprovalQueue>();

    private TimeSpan RunTimeout => _gateway.Services.GetRequiredService<IOptions<ApprovalOptions>>().Value.RunTimeout;

    public async Task InitializeAsync() =>
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(_data.File("listmonk.db")))),
            services => services.AddSingleton<TimeProvider>(_time),
            policies: new Dictionary<string, string> { ["listmonk"] = Policy });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task A_call_approved_after_its_waiter_is_gone_expires_after_the_run_timeout_and_never_runs()
    {
        // Held by a replica that has since stopped: nobody waits for it.
        var now = _time.GetUtcNow();
        var held = new HeldCall
        {
            Id = ApprovalQueue.NewId(),
            RequestedAt = now,
            ExpiresAt = now.AddHours(1),
            Identity = "marketing-agent",
            Grant = "listmonk",
            Server = "listmonk",
            Session = "a-session-long-gone",
            Method = "tools/call",
            Target = "send_campaign",
            Rule = "tools.send_campaign",
        };
        await _gateway.Services.GetRequiredService<IApprovalStore>().CreateAsync(held, default);
        Assert.Equal(ApprovalOutcome.Approved, (await Queue.ApproveAsync(held.Id, "carol", null, default)).Outcome);

        await ExpiresAsync(held.Id);

        Assert.False(await Queue.ClaimRunAsync(held.Id, default));
        var expiry = await ExpiryRecordAsync(held.Id);
        Assert.Contains("approved, but not run soon after", expiry.Reason, StringComparison.Ordinal);
        Assert.Equal("carol", Assert.Single((await Queue.GetAsync(held.Id, default))!.Approvals).Approver);
    }

    [Fact]
    public async Task An_approved_call_refused_when_it_came_to_run_expires_after_the_run_timeout()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        var first = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 }).AsTask();
        var second = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 2 }).AsTask();
        IReadOnlyList<HeldCall> pending = [];
        await EventuallyAsync(async () => (pending = await Queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default)).Count == 2);
        foreach (var held in pending)
        {
            Assert.Equal(ApprovalOutcome.Approved, (await Queue.ApproveAsync(held.Id, "carol", null, default)).Outcome);
        }

        // Both approved at once under a budget of one a minute: one runs, the other is refused and stays approved.
        var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(results, r => r.Meta?["gatehouse/decision"]?["decision"]?.GetValue<string>() == "rate_limited");
        var refused = Assert.Single(await Queue.ListAsync(new ApprovalFilter { State = ApprovalState.Approved }, 10, default));

        await ExpiresAsync(refused.Id);

        Assert.Single(await Queue.ListAsync(new ApprovalFilter { State = ApprovalState.Executed }, 10, default));
        Assert.Contains(refused.Id, (await ExpiryRecordAsync(refused.Id)).Reason, StringComparison.Ordinal);
    }

    // The sweep runs every few seconds of the gateway's clock: the clock is moved on to the run timeout, then a
    // second at a time until the sweep has seen it.
    private async Task ExpiresAsync(string id)
    {
        _time.Advance(RunTimeout);
        await EventuallyAsync(async () =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return (await Queue.GetAsync(id, default))!.State == ApprovalState.Expired;
        });
    }

    private async Task<AuditEvent> ExpiryRecordAsync(string id)
    {
        var store = _gateway.Services.GetRequiredService<IAuditStore>();
        AuditEvent? expiry = null;
        await EventuallyAsync(async () => (expiry = (await store.QueryAsync(new AuditQuery { Kind = AuditKinds.Approval, Limit = 100 }, default)).Records
            .Select(r => r.Event).FirstOrDefault(e => e.Decision == "expired" && e.Reason!.StartsWith(id, StringComparison.Ordinal))) is not null);
        return expiry!;
    }

    private static Task EventuallyAsync(Func<Task<bool>> condition) => Eventually.UntilAsync(condition, "condition to hold", TimeSpan.FromSeconds(30));
}
