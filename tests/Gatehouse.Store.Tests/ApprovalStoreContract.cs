using System.Globalization;
using Gatehouse.Approvals;
using Gatehouse.Store.Approvals;

namespace Gatehouse.Store.Tests;

/// <summary>What every backend of the approval store must do.</summary>
public abstract partial class ApprovalStoreContract<TDatabase> : StoreContract<TDatabase>
    where TDatabase : TestDatabase, new()
{
    private static readonly CancellationToken s_none = CancellationToken.None;

    /// <summary>Before <see cref="Call"/>'s expiry.</summary>
    private static DateTimeOffset Soon { get; } = Start.AddMinutes(1);

    private static HeldCall Call(int i, int approvals = 1, params string[] approvers) => new()
    {
        Id = string.Create(CultureInfo.InvariantCulture, $"ap_{i:x16}"),
        RequestedAt = Start.AddSeconds(i),
        ExpiresAt = Start.AddSeconds(i).AddMinutes(30),
        Identity = "marketing-agent",
        Grant = "marketing",
        Server = "crm",
        Session = "session-1",
        Method = "tools/call",
        Target = "send_campaign",
        Arguments = """{"campaign_id":3,"list_ids":[1,2]}""",
        Rule = "tools.send_campaign",
        Reason = "a campaign goes to every subscriber",
        Approvers = approvers,
        ApprovalsRequired = approvals,
    };

    private async Task<IApprovalStore> StoreWithAsync(params HeldCall[] calls)
    {
        var store = OpenStore().Approvals;
        foreach (var call in calls)
        {
            await store.CreateAsync(call, s_none);
        }

        return store;
    }

    // HeldCall's lists compare by reference, so its equality alone would say no two reads are the same call.
    private static void AssertCall(HeldCall expected, HeldCall? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected with { Approvers = Array.Empty<string>(), Approvals = Array.Empty<ApprovalVote>() },
            actual with { Approvers = Array.Empty<string>(), Approvals = Array.Empty<ApprovalVote>() });
        Assert.Equal(expected.Approvers, actual.Approvers);
        Assert.Equal(expected.Approvals, actual.Approvals);
    }

    private static void AssertCalls(IEnumerable<HeldCall> expected, IEnumerable<HeldCall> actual)
    {
        Assert.Equal(expected.Select(c => c.Id), actual.Select(c => c.Id));
        foreach (var (e, a) in expected.Zip(actual))
        {
            AssertCall(e, a);
        }
    }

    [Fact]
    public async Task A_created_call_reads_back_with_every_field_null_empty_and_Unicode_alike()
    {
        var full = Call(1, approvals: 2, "alice@example.com", "bob@example.com") with
        {
            Arguments = """{"subject":"Grüße, 你好, مرحبا 👩‍👩‍👧‍👦","body":"line\nbreak \"quoted\" \\ \t"}""",
            Reason = "Только с одобрения 🇫🇷",
        };
        var bare = new HeldCall
        {
            Id = "ap_0000000000000002",
            RequestedAt = Start,
            ExpiresAt = Start,
            Identity = "",
            Grant = "",
            Server = "",
            Session = "",
            Method = "",
            Target = "",
            Arguments = null,
            Rule = "",
            Reason = null,
        };
        var empty = bare with { Id = "ap_0000000000000003", Arguments = "", Reason = "", Approvers = [""] };
        var store = await StoreWithAsync(full, bare, empty);

        AssertCall(full, await store.GetAsync(full.Id, s_none));
        AssertCall(bare, await store.GetAsync(bare.Id, s_none));
        AssertCall(empty, await store.GetAsync(empty.Id, s_none));
        AssertCall(full, await OpenStore().Approvals.GetAsync(full.Id, s_none));
        Assert.Null(await store.GetAsync("ap_ffffffffffffffff", s_none));
    }

    [Fact]
    public async Task Text_no_database_can_hold_is_stored_as_replacement_characters()
    {
        var odd = Call(1) with { Target = "tool\0name", Arguments = "{\"x\":\"\ud800\"}" };
        var store = await StoreWithAsync(odd);

        var read = await store.GetAsync(odd.Id, s_none);

        Assert.Equal("tool\ufffdname", read?.Target);
        Assert.Equal("{\"x\":\"\ufffd\"}", read?.Arguments);
    }

    [Fact]
    public async Task Times_are_kept_to_the_millisecond()
    {
        var precise = Call(1) with { RequestedAt = Start.AddTicks(12_345_678), ExpiresAt = Start.AddTicks(98_765_432) };
        var store = await StoreWithAsync(precise);

        var read = await store.GetAsync(precise.Id, s_none);

        Assert.Equal(Start.AddMilliseconds(1234), read?.RequestedAt);
        Assert.Equal(Start.AddMilliseconds(9876), read?.ExpiresAt);
    }

    [Fact]
    public async Task List_returns_calls_newest_first_optionally_in_one_state_up_to_the_limit()
    {
        // Two calls requested in the same millisecond come in id order, newest (highest) first.
        var calls = Enumerable.Range(1, 6).Select(i => Call(i)).Append(Call(7) with { RequestedAt = Call(6).RequestedAt }).ToList();
        var store = await StoreWithAsync([.. calls]);
        await store.DenyAsync(calls[1].Id, "alice", "not today", Soon, s_none);
        await store.DenyAsync(calls[3].Id, "alice", null, Soon, s_none);
        await store.ApproveAsync(calls[4].Id, "alice", null, Soon, s_none);

        var all = await store.ListAsync(new ApprovalFilter(), 100, s_none);
        var denied = await store.ListAsync(new ApprovalFilter { State = ApprovalState.Denied }, 100, s_none);
        var pending = await store.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 2, s_none);

        Assert.Equal([7, 6, 5, 4, 3, 2, 1], all.Select(c => int.Parse(c.Id[3..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        Assert.Equal([calls[3].Id, calls[1].Id], denied.Select(c => c.Id));
        Assert.All(denied, c => Assert.Equal(ApprovalState.Denied, c.State));
        Assert.Equal([calls[6].Id, calls[5].Id], pending.Select(c => c.Id));
        Assert.Equal("alice", Assert.Single(Assert.Single(all, c => c.Id == calls[4].Id).Approvals).Approver);
        foreach (var listed in all)
        {
            AssertCall((await store.GetAsync(listed.Id, s_none))!, listed);
        }

        Assert.Empty(await store.ListAsync(new ApprovalFilter { State = ApprovalState.Executed }, 100, s_none));
    }

    [Fact]
    public async Task List_takes_1_to_1000_calls()
    {
        var store = await StoreWithAsync(Call(1), Call(2));

        Assert.Equal(Call(2).Id, Assert.Single(await store.ListAsync(new ApprovalFilter(), 1, s_none)).Id);
        Assert.Equal(2, (await store.ListAsync(new ApprovalFilter(), ApprovalStore.MaxListLimit, s_none)).Count);
        foreach (var limit in new[] { 0, -1, ApprovalStore.MaxListLimit + 1, int.MinValue, int.MaxValue })
        {
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(new ApprovalFilter(), limit, s_none));
        }
    }

    [Fact]
    public async Task List_filters_before_the_limit_so_no_match_is_missed_behind_a_full_page_of_others()
    {
        // The calls asked for are the oldest, behind more than a list's limit of newer calls of another grant.
        var wanted = new[] { Call(1), Call(2), Call(3) with { Grant = "support" } };
        var others = Enumerable.Range(4, ApprovalStore.MaxListLimit + 1).Select(i => Call(i) with { Grant = "sales" }).ToList();
        var store = await StoreWithAsync([.. wanted, .. others]);
        await store.DenyAsync(wanted[0].Id, "alice", null, Soon, s_none);

        var marketing = await store.ListAsync(new ApprovalFilter { Grants = ["marketing"] }, 10, s_none);
        var pendingOfTwo = await store.ListAsync(new ApprovalFilter { State = ApprovalState.Pending, Grants = ["marketing", "support"] }, 10, s_none);
        var denied = await store.ListAsync(new ApprovalFilter { State = ApprovalState.Denied }, 10, s_none);
        var newest = await store.ListAsync(new ApprovalFilter(), ApprovalStore.MaxListLimit, s_none);

        Assert.Equal([wanted[1].Id, wanted[0].Id], marketing.Select(c => c.Id));
        Assert.Equal([wanted[2].Id, wanted[1].Id], pendingOfTwo.Select(c => c.Id));
        Assert.Equal([wanted[0].Id], denied.Select(c => c.Id));
        Assert.Equal(others.AsEnumerable().Reverse().Take(ApprovalStore.MaxListLimit).Select(c => c.Id), newest.Select(c => c.Id));
        Assert.Empty(await store.ListAsync(new ApprovalFilter { State = ApprovalState.Denied, Grants = ["sales"] }, 10, s_none));
        Assert.Empty(await store.ListAsync(new ApprovalFilter { Grants = ["Marketing", "unknown"] }, 10, s_none));
        Assert.Empty(await store.ListAsync(new ApprovalFilter { Grants = [] }, 10, s_none));
    }

    [Fact]
    public async Task One_approval_approves_a_call_that_needs_one()
    {
        var call = Call(1);
        var store = await StoreWithAsync(call);

        var result = await store.ApproveAsync(call.Id, "alice", "looks right", Soon, s_none);

        Assert.Equal(ApprovalOutcome.Approved, result.Outcome);
        var approved = call with
        {
            State = ApprovalState.Approved,
            Approvals = [new ApprovalVote("alice", Soon, "looks right")],
            DecidedBy = "alice",
            DecidedAt = Soon,
            DecisionReason = "looks right",
        };
        AssertCall(approved, result.Call);
        AssertCall(approved, await OpenStore().Approvals.GetAsync(call.Id, s_none));
    }

    [Fact]
    public async Task A_two_person_rule_needs_two_distinct_approvers()
    {
        var call = Call(1, approvals: 2);
        var store = await StoreWithAsync(call);

        var first = await store.ApproveAsync(call.Id, "alice", "ok", Soon, s_none);
        var again = await store.ApproveAsync(call.Id, "alice", "really ok", Soon.AddSeconds(1), s_none);
        var second = await store.ApproveAsync(call.Id, "bob", null, Soon.AddSeconds(2), s_none);

        Assert.Equal(ApprovalOutcome.Recorded, first.Outcome);
        AssertCall(call with { Approvals = [new ApprovalVote("alice", Soon, "ok")] }, first.Call);
        Assert.Equal(ApprovalOutcome.AlreadyApproved, again.Outcome);
        AssertCall(first.Call!, again.Call);
        Assert.Equal(ApprovalOutcome.Approved, second.Outcome);
        AssertCall(call with
        {
            State = ApprovalState.Approved,
            Approvals = [new ApprovalVote("alice", Soon, "ok"), new ApprovalVote("bob", Soon.AddSeconds(2), null)],
            DecidedBy = "bob",
            DecidedAt = Soon.AddSeconds(2),
            DecisionReason = null,
        }, second.Call);
        Assert.Equal(ApprovalOutcome.NotPending, (await store.ApproveAsync(call.Id, "carol", null, Soon.AddSeconds(3), s_none)).Outcome);
    }

    [Fact]
    public async Task The_caller_may_neither_approve_nor_deny_its_own_call()
    {
        var call = Call(1);
        var store = await StoreWithAsync(call);

        var approve = await store.ApproveAsync(call.Id, call.Identity, null, Soon, s_none);
        var deny = await store.DenyAsync(call.Id, call.Identity, null, Soon, s_none);

        Assert.Equal(ApprovalOutcome.SelfApproval, approve.Outcome);
        Assert.Equal(ApprovalOutcome.SelfApproval, deny.Outcome);
        AssertCall(call, approve.Call);
        AssertCall(call, await store.GetAsync(call.Id, s_none));
    }

    [Fact]
    public async Task A_call_that_names_its_approvers_takes_only_theirs_compared_exactly()
    {
        var call = Call(1, approvals: 1, "alice", "bob");
        var store = await StoreWithAsync(call);

        Assert.Equal(ApprovalOutcome.NotAnApprover, (await store.ApproveAsync(call.Id, "mallory", null, Soon, s_none)).Outcome);
        Assert.Equal(ApprovalOutcome.NotAnApprover, (await store.ApproveAsync(call.Id, "Alice", null, Soon, s_none)).Outcome);
        Assert.Equal(ApprovalOutcome.NotAnApprover, (await store.DenyAsync(call.Id, "mallory", null, Soon, s_none)).Outcome);
        AssertCall(call, await store.GetAsync(call.Id, s_none));

        Assert.Equal(ApprovalOutcome.Approved, (await store.ApproveAsync(call.Id, "bob", null, Soon, s_none)).Outcome);
    }

    [Fact]
    public async Task A_denied_call_takes_no_more_decisions()
    {
        var call = Call(1, approvals: 2);
        var store = await StoreWithAsync(call);
        await store.ApproveAsync(call.Id, "alice", null, Soon, s_none);

        var deny = await store.DenyAsync(call.Id, "bob", "not to every subscriber", Soon.AddSeconds(1), s_none);
        var approve = await store.ApproveAsync(call.Id, "carol", null, Soon.AddSeconds(2), s_none);

        Assert.Equal(ApprovalOutcome.Denied, deny.Outcome);
        var denied = call with
        {
            State = ApprovalState.Denied,
            Approvals = [new ApprovalVote("alice", Soon, null)],
            DecidedBy = "bob",
            DecidedAt = Soon.AddSeconds(1),
            DecisionReason = "not to every subscriber",
        };
        AssertCall(denied, deny.Call);
        Assert.Equal(ApprovalOutcome.NotPending, approve.Outcome);
        AssertCall(denied, approve.Call);
        Assert.Equal(ApprovalOutcome.NotPending, (await store.DenyAsync(call.Id, "carol", null, Soon.AddSeconds(2), s_none)).Outcome);
        Assert.False(await store.MarkExecutedAsync(call.Id, Soon.AddSeconds(3), s_none));
    }

    [Fact]
    public async Task Ending_a_call_succeeds_once_and_only_while_it_is_pending()
    {
        var cancelled = Call(1);
        var approved = Call(2);
        var store = await StoreWithAsync(cancelled, approved);
        await store.ApproveAsync(approved.Id, "alice", null, Soon, s_none);

        Assert.True(await store.EndAsync(cancelled.Id, ApprovalState.Cancelled, "the client went away", Soon, s_none));
        Assert.False(await store.EndAsync(cancelled.Id, ApprovalState.Cancelled, "again", Soon.AddSeconds(1), s_none));
        Assert.False(await store.EndAsync(cancelled.Id, ApprovalState.Expired, "again", Soon.AddSeconds(1), s_none));
        Assert.False(await store.EndAsync(approved.Id, ApprovalState.Cancelled, "too late", Soon, s_none));
        Assert.False(await store.EndAsync("ap_ffffffffffffffff", ApprovalState.Cancelled, "nobody", Soon, s_none));

        AssertCall(cancelled with
        {
            State = ApprovalState.Cancelled,
            DecidedBy = ApprovalStore.Gatehouse,
            DecidedAt = Soon,
            DecisionReason = "the client went away",
        }, await store.GetAsync(cancelled.Id, s_none));
        Assert.Equal(ApprovalState.Approved, (await store.GetAsync(approved.Id, s_none))?.State);
        Assert.Equal(ApprovalOutcome.NotPending, (await store.ApproveAsync(cancelled.Id, "alice", null, Soon, s_none)).Outcome);
        foreach (var state in new[] { ApprovalState.Pending, ApprovalState.Approved, ApprovalState.Denied, ApprovalState.Executed })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => store.EndAsync(approved.Id, state, "no", Soon, s_none));
        }
    }

    [Fact]
    public async Task An_approved_call_is_marked_executed_once()
    {
        var call = Call(1);
        var store = await StoreWithAsync(call);

        Assert.False(await store.MarkExecutedAsync(call.Id, Soon, s_none));
        await store.ApproveAsync(call.Id, "alice", null, Soon, s_none);
        Assert.True(await store.MarkExecutedAsync(call.Id, Soon.AddSeconds(1), s_none));
        Assert.False(await store.MarkExecutedAsync(call.Id, Soon.AddSeconds(2), s_none));
        Assert.False(await store.MarkExecutedAsync("ap_ffffffffffffffff", Soon, s_none));

        var executed = await store.GetAsync(call.Id, s_none);
        Assert.Equal(ApprovalState.Executed, executed?.State);
        Assert.Equal("alice", executed?.DecidedBy);
        Assert.Equal(ApprovalOutcome.NotPending, (await store.ApproveAsync(call.Id, "bob", null, Soon, s_none)).Outcome);
        Assert.False(await store.EndAsync(call.Id, ApprovalState.Cancelled, "too late", Soon, s_none));
    }

    [Fact]
    public async Task The_states_are_stored_by_their_lowercase_names()
    {
        var store = OpenStore();
        var calls = Enumerable.Range(1, 6).Select(i => Call(i)).ToList();
        foreach (var call in calls)
        {
            await store.Approvals.CreateAsync(call, s_none);
        }

        await store.Approvals.ApproveAsync(calls[1].Id, "alice", null, Soon, s_none);
        await store.Approvals.DenyAsync(calls[2].Id, "alice", null, Soon, s_none);
        await store.Approvals.EndAsync(calls[3].Id, ApprovalState.Expired, "timed out", Soon, s_none);
        await store.Approvals.EndAsync(calls[4].Id, ApprovalState.Cancelled, "went away", Soon, s_none);
        await store.Approvals.ApproveAsync(calls[5].Id, "alice", null, Soon, s_none);
        await store.Approvals.MarkExecutedAsync(calls[5].Id, Soon, s_none);

        var rows = await store.QueryAsync("SELECT state, executed_at FROM approvals ORDER BY id;");

        Assert.Equal(["pending", "approved", "denied", "expired", "cancelled", "executed"], rows.Select(r => (string)r[0]!));
        Assert.Equal(Soon.ToUnixTimeMilliseconds(), Convert.ToInt64(rows[5][1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Sixteen_approvers_at_once_approve_a_call_exactly_once()
    {
        var call = Call(1);
        await StoreWithAsync(call);
        var replicas = new[] { OpenStore().Approvals, OpenStore().Approvals };

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            replicas[i % 2].ApproveAsync(call.Id, $"approver-{i}", null, Soon, s_none))));

        var approval = Assert.Single(results, r => r.Outcome == ApprovalOutcome.Approved);
        Assert.All(results.Where(r => r != approval), r => Assert.Equal(ApprovalOutcome.NotPending, r.Outcome));
        var stored = await replicas[0].GetAsync(call.Id, s_none);
        Assert.Equal(ApprovalState.Approved, stored?.State);
        Assert.Equal(approval.Call?.DecidedBy, Assert.Single(stored!.Approvals).Approver);
    }

    [Fact]
    public async Task Two_replicas_racing_to_run_an_approved_call_run_it_once()
    {
        var calls = Enumerable.Range(1, 8).Select(i => Call(i)).ToList();
        var store = await StoreWithAsync([.. calls]);
        foreach (var call in calls)
        {
            await store.ApproveAsync(call.Id, "alice", null, Soon, s_none);
        }

        var replicas = new[] { OpenStore().Approvals, OpenStore().Approvals };

        foreach (var call in calls)
        {
            var marked = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() =>
                replicas[i % 2].MarkExecutedAsync(call.Id, Soon, s_none))));
            Assert.Single(marked, m => m);
        }

        Assert.Equal(calls.Count, (await store.ListAsync(new ApprovalFilter { State = ApprovalState.Executed }, 100, s_none)).Count);
    }

    [Fact]
    public async Task Bad_input_is_refused_or_found_to_be_nothing()
    {
        var call = Call(1);
        var store = await StoreWithAsync(call);

        Assert.Null(await store.GetAsync("", s_none));
        Assert.Equal(new ApprovalResult(ApprovalOutcome.NotFound, null), await store.ApproveAsync("", "alice", null, Soon, s_none));
        Assert.Equal(new ApprovalResult(ApprovalOutcome.NotFound, null), await store.DenyAsync("ap_ffffffffffffffff", "alice", null, Soon, s_none));
        Assert.False(await store.EndAsync("", ApprovalState.Cancelled, "gone", Soon, s_none));
        Assert.False(await store.MarkExecutedAsync("", Soon, s_none));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 0, s_none));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ApproveAsync(call.Id, "", null, Soon, s_none));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.CreateAsync(null!, s_none));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(Call(2) with { State = ApprovalState.Approved }, s_none));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(Call(2) with { DecidedBy = "alice" }, s_none));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.CreateAsync(Call(2, approvals: 0), s_none));
        Assert.Null(await store.GetAsync(Call(2).Id, s_none));
        AssertCall(call, await store.GetAsync(call.Id, s_none));
    }

    [Fact]
    public async Task An_unreachable_store_throws_ApprovalsUnavailableException_naming_the_store_but_no_password()
    {
        var store = OpenUnreachableStore().Approvals;

        var create = await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.CreateAsync(Call(1), s_none));
        await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.GetAsync(Call(1).Id, s_none));
        await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.ListAsync(new ApprovalFilter(), 10, s_none));
        await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.ApproveAsync(Call(1).Id, "alice", null, Soon, s_none));
        await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.DenyAsync(Call(1).Id, "alice", null, Soon, s_none));
        await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.EndAsync(Call(1).Id, ApprovalState.Cancelled, "gone", Soon, s_none));
        await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.MarkExecutedAsync(Call(1).Id, Soon, s_none));
        await Assert.ThrowsAsync<ApprovalsUnavailableException>(() => store.ExpireDueAsync(Soon, s_runTimeout, s_none));

        Assert.IsType<StoreUnavailableException>(create.InnerException);
        Assert.Contains("state store", create.Message, StringComparison.Ordinal);
        Assert.Contains("unavailable", create.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestDatabase.UnreachablePassword, create.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(TestDatabase.UnreachablePassword, StringComparison.Ordinal));
    }
}
