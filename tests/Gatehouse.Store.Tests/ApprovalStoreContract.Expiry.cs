using Gatehouse.Approvals;
using Gatehouse.Store.Approvals;

namespace Gatehouse.Store.Tests;

/// <summary>
/// How held calls end without a person: a pending call once its time is up, an approved call once it has not run
/// within the run timeout; each exactly once, whoever races it.
/// </summary>
public abstract partial class ApprovalStoreContract<TDatabase>
{
    /// <summary>Longer than the tests that are not about it take on the clock: no approved call of theirs is swept.</summary>
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromDays(1);

    [Fact]
    public async Task A_decision_at_or_after_the_expiry_expires_the_call_instead()
    {
        var approved = Call(1);
        var denied = Call(2);
        var store = await StoreWithAsync(approved, denied);

        var approve = await store.ApproveAsync(approved.Id, "alice", null, approved.ExpiresAt, s_none);
        var deny = await store.DenyAsync(denied.Id, "alice", null, denied.ExpiresAt.AddHours(1), s_none);

        Assert.Equal(ApprovalOutcome.Expired, approve.Outcome);
        var expired = approved with
        {
            State = ApprovalState.Expired,
            DecidedBy = ApprovalStore.Gatehouse,
            DecidedAt = approved.ExpiresAt,
            DecisionReason = ApprovalStore.ExpiredReason,
        };
        AssertCall(expired, approve.Call);
        AssertCall(expired, await store.GetAsync(approved.Id, s_none));
        Assert.Equal(ApprovalOutcome.Expired, deny.Outcome);
        Assert.Equal(ApprovalState.Expired, (await store.GetAsync(denied.Id, s_none))?.State);
        Assert.Equal(ApprovalOutcome.NotPending, (await store.ApproveAsync(approved.Id, "alice", null, Soon, s_none)).Outcome);
        Assert.Equal("no approver decided within the time the rule allows", ApprovalStore.ExpiredReason);
    }

    [Fact]
    public async Task ExpireDue_expires_every_pending_call_whose_time_is_up_and_returns_them()
    {
        var calls = Enumerable.Range(1, 5).Select(i => Call(i) with { ExpiresAt = Start.AddMinutes(i) }).ToList();
        var store = await StoreWithAsync([.. calls]);
        await store.ApproveAsync(calls[0].Id, "alice", null, Soon.AddSeconds(-30), s_none);
        var now = Start.AddMinutes(3);

        var expired = await store.ExpireDueAsync(now, s_runTimeout, s_none);

        var expected = new[] { calls[2], calls[1] }.Select(c => c with
        {
            State = ApprovalState.Expired,
            DecidedBy = ApprovalStore.Gatehouse,
            DecidedAt = now,
            DecisionReason = ApprovalStore.ExpiredReason,
        }).ToList();
        AssertCalls(expected, expired);
        AssertCalls(expected, await store.ListAsync(new ApprovalFilter { State = ApprovalState.Expired }, 100, s_none));
        Assert.Equal([calls[4].Id, calls[3].Id], (await store.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 100, s_none)).Select(c => c.Id));
        Assert.Equal(ApprovalState.Approved, (await store.GetAsync(calls[0].Id, s_none))?.State);
        Assert.Empty(await store.ExpireDueAsync(now, s_runTimeout, s_none));
        Assert.Equal([calls[4].Id, calls[3].Id], (await store.ExpireDueAsync(now.AddHours(1), s_runTimeout, s_none)).Select(c => c.Id));
    }

    [Fact]
    public async Task ExpireDue_expires_an_approved_call_not_run_within_the_run_timeout_keeping_who_approved_it()
    {
        var runTimeout = TimeSpan.FromMinutes(1);
        var calls = Enumerable.Range(1, 4).Select(i => Call(i)).ToList();
        var store = await StoreWithAsync([.. calls]);
        await store.ApproveAsync(calls[0].Id, "alice", "looks right", Soon, s_none);
        await store.ApproveAsync(calls[1].Id, "alice", null, Soon.AddSeconds(10), s_none);
        await store.ApproveAsync(calls[2].Id, "alice", null, Soon, s_none);
        await store.MarkExecutedAsync(calls[2].Id, Soon.AddSeconds(1), s_none);

        Assert.Empty(await store.ExpireDueAsync(Soon + runTimeout - TimeSpan.FromMilliseconds(1), runTimeout, s_none));
        var now = Soon + runTimeout;
        var expired = await store.ExpireDueAsync(now, runTimeout, s_none);

        var expected = calls[0] with
        {
            State = ApprovalState.Expired,
            Approvals = [new ApprovalVote("alice", Soon, "looks right")],
            DecidedBy = ApprovalStore.Gatehouse,
            DecidedAt = now,
            DecisionReason = ApprovalStore.NotRunReason,
        };
        AssertCalls([expected], expired);
        AssertCall(expected, await store.GetAsync(calls[0].Id, s_none));
        Assert.False(await store.MarkExecutedAsync(calls[0].Id, now, s_none));
        Assert.Equal(ApprovalState.Approved, (await store.GetAsync(calls[1].Id, s_none))?.State);
        Assert.Equal(ApprovalState.Executed, (await store.GetAsync(calls[2].Id, s_none))?.State);
        Assert.Equal(ApprovalState.Pending, (await store.GetAsync(calls[3].Id, s_none))?.State);
        Assert.Equal([calls[1].Id], (await store.ExpireDueAsync(now.AddSeconds(10), runTimeout, s_none)).Select(c => c.Id));
    }

    [Fact]
    public async Task An_approved_call_racing_the_sweep_either_runs_or_expires()
    {
        var runTimeout = TimeSpan.FromMinutes(1);
        var calls = Enumerable.Range(1, 8).Select(i => Call(i)).ToList();
        var store = await StoreWithAsync([.. calls]);
        foreach (var call in calls)
        {
            await store.ApproveAsync(call.Id, "alice", null, Soon, s_none);
        }

        var replicas = new[] { OpenStore().Approvals, OpenStore().Approvals };
        var runs = calls.Select(c => Task.Run(() => replicas[0].MarkExecutedAsync(c.Id, Soon + runTimeout, s_none))).ToList();
        var sweep = Task.Run(() => replicas[1].ExpireDueAsync(Soon + runTimeout, runTimeout, s_none));
        await Task.WhenAll([.. runs, sweep]);

        var expired = (await sweep).Select(c => c.Id).ToHashSet();
        foreach (var (call, run) in calls.Zip(runs))
        {
            var state = (await store.GetAsync(call.Id, s_none))?.State;
            Assert.True(await run ? state == ApprovalState.Executed && !expired.Contains(call.Id)
                : state == ApprovalState.Expired && expired.Contains(call.Id),
                $"{call.Id}: ran {await run}, {state}, swept: {expired.Contains(call.Id)}");
        }
    }

    [Fact]
    public async Task An_approval_racing_the_expiry_sweep_ends_in_one_state()
    {
        var calls = Enumerable.Range(1, 8).Select(i => Call(i)).ToList();
        var store = await StoreWithAsync([.. calls]);
        var replicas = new[] { OpenStore().Approvals, OpenStore().Approvals };
        var sweepAt = calls[^1].ExpiresAt;

        var approvals = calls.Select(c => Task.Run(() => replicas[0].ApproveAsync(c.Id, "alice", null, Soon, s_none))).ToList();
        var sweep = Task.Run(() => replicas[1].ExpireDueAsync(sweepAt, s_runTimeout, s_none));
        await Task.WhenAll([.. approvals, sweep]);

        var expired = (await sweep).Select(c => c.Id).ToHashSet();
        foreach (var (call, approval) in calls.Zip(approvals))
        {
            var outcome = (await approval).Outcome;
            var state = (await store.GetAsync(call.Id, s_none))?.State;
            Assert.True(outcome == ApprovalOutcome.Approved ? state == ApprovalState.Approved && !expired.Contains(call.Id)
                : outcome == ApprovalOutcome.NotPending && state == ApprovalState.Expired && expired.Contains(call.Id),
                $"{call.Id}: {outcome}, {state}, swept: {expired.Contains(call.Id)}");
        }
    }
}
