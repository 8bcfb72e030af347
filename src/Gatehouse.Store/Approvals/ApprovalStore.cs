using System.Data.Common;
using System.Text.Json;
using Gatehouse.Approvals;
using Gatehouse.Store.Database;

namespace Gatehouse.Store.Approvals;

/// <summary>Held calls in the shared store, one row per call and one per approval given; SQL common to both backends.</summary>
internal sealed class ApprovalStore(StoreDatabase database) : IApprovalStore
{
    /// <summary>Who ends a call that nobody decided.</summary>
    internal const string Gatehouse = "gatehouse";

    internal const string ExpiredReason = "no approver decided within the time the rule allows";

    internal const string NotRunReason = "approved, but not run soon after: its caller had gone away, or it was refused when it came to run";

    internal const int MaxListLimit = 1000;

    public Task CreateAsync(HeldCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call is not { State: ApprovalState.Pending, Approvals.Count: 0, DecidedBy: null, DecidedAt: null, DecisionReason: null })
        {
            throw new ArgumentException("A new held call is pending, with no approvals and no decision.", nameof(call));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(call.ApprovalsRequired, 1);
        return RunAsync(async (connection, ct) =>
        {
            await using var insert = connection.CreateCommand(
                $"INSERT INTO approvals ({ApprovalRows.Columns}, executed_at) VALUES (@id, @requested_at, @expires_at, @identity, @grant_id, @server, " +
                "@session, @method, @target, @arguments, @rule, @reason, @approvers, @approvals_required, @state, NULL, NULL, NULL, NULL);");
            return await insert
                .With("@id", call.Id)
                .WithTime("@requested_at", call.RequestedAt)
                .WithTime("@expires_at", call.ExpiresAt)
                .With("@identity", StoredText.Storable(call.Identity))
                .With("@grant_id", StoredText.Storable(call.Grant))
                .With("@server", StoredText.Storable(call.Server))
                .With("@session", StoredText.Storable(call.Session))
                .With("@method", StoredText.Storable(call.Method))
                .With("@target", StoredText.Storable(call.Target))
                .WithText("@arguments", StoredText.Storable(call.Arguments))
                .With("@rule", StoredText.Storable(call.Rule))
                .WithText("@reason", StoredText.Storable(call.Reason))
                .With("@approvers", JsonSerializer.Serialize(call.Approvers.Select(a => StoredText.Storable(a))))
                .With("@approvals_required", call.ApprovalsRequired)
                .With("@state", ApprovalRows.StateName(ApprovalState.Pending))
                .ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public Task<HeldCall?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RunAsync((connection, ct) => FindAsync(connection, transaction: null, id, ct), cancellationToken);
    }

    public Task<IReadOnlyList<HeldCall>> ListAsync(ApprovalFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (limit is < 1 or > MaxListLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"A list's limit must be 1 to {MaxListLimit}.");
        }

        if (filter.Grants is { Count: 0 })
        {
            return Task.FromResult<IReadOnlyList<HeldCall>>([]);
        }

        // Filtered by the query itself, before the limit: a filter applied to the newest rows afterwards would miss
        // the calls it wants whenever more than a page of others are newer.
        var conditions = new List<string>();
        var parameters = new List<(string Name, object Value)> { ("@limit", limit) };
        if (filter.State is { } state)
        {
            conditions.Add("state = @state");
            parameters.Add(("@state", ApprovalRows.StateName(state)));
        }

        if (filter.Grants is { } grants)
        {
            var names = new List<string>();
            foreach (var grant in grants)
            {
                names.Add($"@grant{names.Count}");
                parameters.Add((names[^1], StoredText.Storable(grant)));
            }

            conditions.Add($"grant_id IN ({string.Join(", ", names)})");
        }

        var where = conditions.Count == 0 ? "" : $"WHERE {string.Join(" AND ", conditions)} ";
        var sql = ApprovalRows.SelectSql(where + "ORDER BY requested_at DESC, id DESC LIMIT @limit");
        return RunAsync<IReadOnlyList<HeldCall>>(async (connection, ct) =>
        {
            await using var select = connection.CreateCommand(sql);
            foreach (var (name, value) in parameters)
            {
                select.With(name, value);
            }

            return await ApprovalRows.ReadCallsAsync(select, ct);
        }, cancellationToken);
    }

    public Task<ApprovalResult> ApproveAsync(string id, string approver, string? reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        DecideAsync(id, approver, now, async (connection, transaction, call, storedApprover, ct) =>
        {
            if (call.Approvals.Any(v => string.Equals(v.Approver, storedApprover, StringComparison.Ordinal)))
            {
                return ApprovalOutcome.AlreadyApproved;
            }

            await using (var vote = connection.CreateCommand(
                "INSERT INTO approval_votes (approval_id, approver, at, reason) VALUES (@id, @approver, @at, @reason);", transaction))
            {
                await vote.With("@id", id).With("@approver", storedApprover).WithTime("@at", now).WithText("@reason", StoredText.Storable(reason))
                    .ExecuteNonQueryAsync(ct);
            }

            if (call.Approvals.Count + 1 < call.ApprovalsRequired)
            {
                return ApprovalOutcome.Recorded;
            }

            await EndPendingAsync(connection, transaction, id, ApprovalState.Approved, storedApprover, reason, now, ct);
            return ApprovalOutcome.Approved;
        }, cancellationToken);

    public Task<ApprovalResult> DenyAsync(string id, string approver, string? reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        DecideAsync(id, approver, now, async (connection, transaction, _, storedApprover, ct) =>
        {
            await EndPendingAsync(connection, transaction, id, ApprovalState.Denied, storedApprover, reason, now, ct);
            return ApprovalOutcome.Denied;
        }, cancellationToken);

    public Task<bool> EndAsync(string id, ApprovalState state, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(reason);
        if (state is not (ApprovalState.Expired or ApprovalState.Cancelled))
        {
            throw new ArgumentException($"A held call is ended as expired or cancelled, not {ApprovalRows.StateName(state)}.", nameof(state));
        }

        return WriteAsync((connection, transaction, ct) => EndPendingAsync(connection, transaction, id, state, Gatehouse, reason, now, ct),
            cancellationToken);
    }

    public Task<bool> MarkExecutedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(async (connection, transaction, ct) =>
        {
            await using var update = connection.CreateCommand(
                "UPDATE approvals SET state = @executed, executed_at = @now WHERE id = @id AND state = @approved;", transaction);
            return await update.With("@executed", ApprovalRows.StateName(ApprovalState.Executed)).WithTime("@now", now).With("@id", id)
                .With("@approved", ApprovalRows.StateName(ApprovalState.Approved)).ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<HeldCall>> ExpireDueAsync(DateTimeOffset now, TimeSpan runTimeout, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<HeldCall>>(async (connection, transaction, ct) =>
        {
            List<HeldCall> due;
            await using (var select = connection.CreateCommand(ApprovalRows.SelectSql(
                "WHERE (state = @pending AND expires_at <= @now) OR (state = @approved AND decided_at <= @approved_before)"), transaction))
            {
                due = await ApprovalRows.ReadCallsAsync(select
                    .With("@pending", ApprovalRows.StateName(ApprovalState.Pending)).WithTime("@now", now)
                    .With("@approved", ApprovalRows.StateName(ApprovalState.Approved)).WithTime("@approved_before", now - runTimeout), ct);
            }

            // By id and from the state read rather than by time: a call created already due after the select (creates
            // are not serialised) is left for the next sweep instead of being expired without anyone being told.
            foreach (var call in due)
            {
                await MoveAsync(connection, transaction, call.Id, call.State, ApprovalState.Expired, Gatehouse, WhyExpired(call), now, ct);
            }

            return due.Select(call => Ended(call, ApprovalState.Expired, Gatehouse, WhyExpired(call), now)).ToList();
        }, cancellationToken);

    private static string WhyExpired(HeldCall call) => call.State == ApprovalState.Approved ? NotRunReason : ExpiredReason;

    // The checks Approve and Deny share, in the order the interface gives them, then the decision itself, all in
    // one serialised transaction: the call read is the call changed. The approver is compared in the form the
    // caller's identity and the rule's approvers were stored in, so that an identity with a NUL in it is still
    // recognised as the caller's own.
    private Task<ApprovalResult> DecideAsync(string id, string approver, DateTimeOffset now,
        Func<DbConnection, DbTransaction, HeldCall, string, CancellationToken, Task<ApprovalOutcome>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrEmpty(approver);
        approver = StoredText.Storable(approver);
        return WriteAsync(async (connection, transaction, ct) =>
        {
            if (await FindAsync(connection, transaction, id, ct) is not { } call)
            {
                return new ApprovalResult(ApprovalOutcome.NotFound, null);
            }

            if (call.State != ApprovalState.Pending)
            {
                return new ApprovalResult(ApprovalOutcome.NotPending, call);
            }

            if (StoredTime.ToStored(now) >= StoredTime.ToStored(call.ExpiresAt))
            {
                await EndPendingAsync(connection, transaction, id, ApprovalState.Expired, Gatehouse, ExpiredReason, now, ct);
                return new ApprovalResult(ApprovalOutcome.Expired, Ended(call, ApprovalState.Expired, Gatehouse, ExpiredReason, now));
            }

            var refusal = string.Equals(approver, call.Identity, StringComparison.Ordinal) ? ApprovalOutcome.SelfApproval
                : call.Approvers.Count > 0 && !call.Approvers.Contains(approver, StringComparer.Ordinal) ? ApprovalOutcome.NotAnApprover
                : (ApprovalOutcome?)null;
            if (refusal is { } refused)
            {
                return new ApprovalResult(refused, call);
            }

            var outcome = await decide(connection, transaction, call, approver, ct);
            return new ApprovalResult(outcome, await FindAsync(connection, transaction, id, ct));
        }, cancellationToken);
    }

    private static Task<bool> EndPendingAsync(DbConnection connection, DbTransaction transaction, string id, ApprovalState state,
        string decidedBy, string? reason, DateTimeOffset now, CancellationToken ct) =>
        MoveAsync(connection, transaction, id, ApprovalState.Pending, state, decidedBy, reason, now, ct);

    // Only from the state the caller read: whoever moved the call first (an approver, the sweep, the one run) wins.
    private static async Task<bool> MoveAsync(DbConnection connection, DbTransaction transaction, string id, ApprovalState from,
        ApprovalState to, string decidedBy, string? reason, DateTimeOffset now, CancellationToken ct)
    {
        await using var update = connection.CreateCommand(
            "UPDATE approvals SET state = @to, decided_by = @decided_by, decided_at = @now, decision_reason = @reason " +
            "WHERE id = @id AND state = @from;", transaction);
        return await update.With("@to", ApprovalRows.StateName(to)).With("@decided_by", decidedBy).WithTime("@now", now)
            .WithText("@reason", StoredText.Storable(reason)).With("@id", id).With("@from", ApprovalRows.StateName(from))
            .ExecuteNonQueryAsync(ct) == 1;
    }

    // The call as MoveAsync leaves it, without reading it back.
    private static HeldCall Ended(HeldCall call, ApprovalState state, string decidedBy, string reason, DateTimeOffset now) => call with
    {
        State = state,
        DecidedBy = decidedBy,
        DecidedAt = StoredTime.Truncate(now),
        DecisionReason = reason,
    };

    private static async Task<HeldCall?> FindAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken ct)
    {
        await using var select = connection.CreateCommand(ApprovalRows.SelectSql("WHERE id = @id"), transaction);
        return (await ApprovalRows.ReadCallsAsync(select.With("@id", id), ct)).SingleOrDefault();
    }

    private Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        StoreFailures.Translated(database.RunSerializedAsync(work, cancellationToken), Unavailable);

    private Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        StoreFailures.Translated(database.RunAsync(work, cancellationToken), Unavailable);

    private static ApprovalsUnavailableException Unavailable(string message, Exception inner) => new(message, inner);
}
