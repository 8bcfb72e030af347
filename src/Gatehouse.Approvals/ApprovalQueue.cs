using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gatehouse.Approvals;

/// <summary>
/// Holds calls until a person decides, and takes the decisions. A decision made on this replica wakes its waiter
/// at once; one made on another replica (or by <c>gatehouse approvals</c>) is seen within <see cref="ApprovalOptions.PollInterval"/>,
/// since the store is the only thing all of them share. Every step is written to the audit log.
/// </summary>
public sealed partial class ApprovalQueue(IApprovalStore store, IAuditLog audit, IApprovalNotifier notifier, IOptions<ApprovalOptions> options,
    TimeProvider time, ILogger<ApprovalQueue> logger)
{
    /// <summary>How long a call waits when its rule sets no <c>timeout</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    private readonly TimeSpan _pollInterval = options.Value.PollInterval;
    private readonly TimeSpan _progressInterval = options.Value.ProgressInterval;
    private readonly TimeSpan _runTimeout = options.Value.RunTimeout;

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changed = new(StringComparer.Ordinal);

    /// <summary>A fresh id for a held call: random, so that nobody can guess another's.</summary>
    public static string NewId() => "ap_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// Stores <paramref name="call"/> and waits until it is approved, denied, expired or cancelled; calls
    /// <paramref name="stillWaiting"/> every <see cref="ApprovalOptions.ProgressInterval"/> meanwhile. Cancelling cancels the held call.
    /// </summary>
    /// <returns>The call as it ended: <see cref="ApprovalState.Approved"/> (not yet run), denied, expired or cancelled.</returns>
    public async Task<HeldCall> HoldAsync(HeldCall call, Func<TimeSpan, Task>? stillWaiting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        await store.CreateAsync(call, cancellationToken).ConfigureAwait(false);
        Record(call, "requested", $"held as {call.Id} for approval: {call.Reason ?? call.Rule}");
        notifier.Requested(call);
        var nextProgress = time.GetUtcNow() + _progressInterval;
        try
        {
            while (true)
            {
                var changed = _changed.GetOrAdd(call.Id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                var current = await store.GetAsync(call.Id, cancellationToken).ConfigureAwait(false)
                    ?? throw new ApprovalsUnavailableException($"The held call {call.Id} is no longer in the store.");
                if (current.State != ApprovalState.Pending)
                {
                    return current;
                }

                var now = time.GetUtcNow();
                if (now >= current.ExpiresAt)
                {
                    await ExpireAsync(current, now).ConfigureAwait(false);
                    continue;
                }

                if (now >= nextProgress && stillWaiting is not null)
                {
                    await stillWaiting(now - call.RequestedAt).ConfigureAwait(false);
                    nextProgress = now + _progressInterval;
                }

                var wait = Min(_pollInterval, current.ExpiresAt - now, nextProgress - now);
                await Task.WhenAny(changed, Task.Delay(wait, time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelAsync(call).ConfigureAwait(false);
            throw;
        }
        finally
        {
            _changed.TryRemove(call.Id, out _);
        }
    }

    /// <summary>Who <see cref="ElicitAsync"/> records as having decided.</summary>
    public const string CallersUser = "the caller's own user (elicitation)";

    /// <summary>
    /// Asks the caller's own user, through their client (<paramref name="ask"/> sends an MCP elicitation), whether
    /// <paramref name="call"/> may run, for a rule with <c>approve_via: "elicitation"</c>. Nothing is stored: the
    /// person deciding is the one watching the agent, answering in the same session.
    /// </summary>
    /// <returns>The call approved, denied (declined, cancelled, or not answered yes), or expired (no answer in time).</returns>
    public async Task<HeldCall> ElicitAsync(HeldCall call, Func<JsonObject, CancellationToken, Task<JsonNode?>> ask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(ask);
        Record(call, "requested", $"{call.Id}: asked the caller's own user, in their client, for approval: {call.Reason ?? call.Rule}");
        using var timeout = new CancellationTokenSource(Max(call.ExpiresAt - time.GetUtcNow(), TimeSpan.FromMilliseconds(1)), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        JsonNode? answer;
        try
        {
            answer = await ask(ElicitationRequest(call), linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Record(call, "expired", $"{call.Id} expired: the caller's user did not answer in time");
            return call with { State = ApprovalState.Expired, DecidedBy = CallersUser, DecidedAt = time.GetUtcNow() };
        }
        catch (InvalidOperationException e)
        {
            answer = new JsonObject { ["action"] = "error", ["message"] = e.Message };
        }

        var action = (answer?["action"] as JsonValue)?.TryGetValue(out string? text) == true ? text : "none";
        var approved = action == "accept" && (answer?["content"]?["approve"] as JsonValue)?.TryGetValue(out bool yes) == true && yes;
        Record(call, approved ? "approved" : "denied", approved
            ? $"{call.Id} approved by the caller's own user through elicitation"
            : $"{call.Id} not approved by the caller's own user through elicitation ({action})");
        return call with
        {
            State = approved ? ApprovalState.Approved : ApprovalState.Denied,
            DecidedBy = CallersUser,
            DecidedAt = time.GetUtcNow(),
            DecisionReason = approved ? null : action == "accept" ? "they did not allow it" : $"they answered '{action}'",
        };
    }

    /// <summary>What the caller's user is asked: the call, its arguments as the log shows them, and one yes-or-no field.</summary>
    public static JsonObject ElicitationRequest(HeldCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var arguments = call.Arguments is null ? "" : $" with arguments {call.Arguments}";
        return new JsonObject
        {
            ["message"] = $"Gatehouse: the agent asks to run '{call.Target}' on '{call.Server}'{arguments}. " +
                $"{call.Reason ?? "Its policy asks you first."} Allow it to run once?",
            ["requestedSchema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["approve"] = new JsonObject { ["type"] = "boolean", ["title"] = "Allow this call to run", ["default"] = false },
                },
                ["required"] = new JsonArray("approve"),
            },
        };
    }

    /// <summary>An approver approves; see <see cref="IApprovalStore.ApproveAsync"/> for what is checked.</summary>
    public async Task<ApprovalResult> ApproveAsync(string id, string approver, string? reason, CancellationToken cancellationToken)
    {
        var result = await store.ApproveAsync(id, approver, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (result is { Outcome: ApprovalOutcome.Recorded or ApprovalOutcome.Approved, Call: { } call })
        {
            var tally = $"{call.Approvals.Count} of {call.ApprovalsRequired}";
            // Awaited: the approver is told it worked only once the log says who approved.
            await audit.RecordAsync(Step(call, "approved", $"{id} approved by {approver} ({tally}){Because(reason)}"), cancellationToken).ConfigureAwait(false);
            Wake(id);
        }

        return result;
    }

    /// <summary>An approver denies; the caller is told <paramref name="reason"/>.</summary>
    public async Task<ApprovalResult> DenyAsync(string id, string approver, string? reason, CancellationToken cancellationToken)
    {
        var result = await store.DenyAsync(id, approver, reason, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (result is { Outcome: ApprovalOutcome.Denied, Call: { } call })
        {
            await audit.RecordAsync(Step(call, "denied", $"{id} denied by {approver}{Because(reason)}"), cancellationToken).ConfigureAwait(false);
            Wake(id);
        }

        return result;
    }

    /// <summary>Claims the run of an approved call: true exactly once, across every replica.</summary>
    public Task<bool> ClaimRunAsync(string id, CancellationToken cancellationToken) =>
        store.MarkExecutedAsync(id, time.GetUtcNow(), cancellationToken);

    public Task<HeldCall?> GetAsync(string id, CancellationToken cancellationToken) => store.GetAsync(id, cancellationToken);

    /// <summary>The newest held calls <paramref name="filter"/> picks; see <see cref="IApprovalStore.ListAsync"/>.</summary>
    public Task<IReadOnlyList<HeldCall>> ListAsync(ApprovalFilter filter, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(filter, limit, cancellationToken);

    /// <summary>
    /// Expires every call whose time is up, including those whose waiter is gone (its replica restarted), and every
    /// approved call not run within <see cref="ApprovalOptions.RunTimeout"/> of its approval.
    /// </summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var expired = await store.ExpireDueAsync(time.GetUtcNow(), _runTimeout, cancellationToken).ConfigureAwait(false);
        foreach (var call in expired)
        {
            Record(call, "expired", $"{call.Id} expired: {call.DecisionReason}");
            Wake(call.Id);
        }

        return expired.Count;
    }

    private async Task ExpireAsync(HeldCall call, DateTimeOffset now)
    {
        const string reason = "no approver decided within the time the rule allows";
        if (await store.EndAsync(call.Id, ApprovalState.Expired, reason, now, CancellationToken.None).ConfigureAwait(false))
        {
            Record(call, "expired", $"{call.Id} expired: {reason}");
        }
    }

    private async Task CancelAsync(HeldCall call)
    {
        try
        {
            if (await store.EndAsync(call.Id, ApprovalState.Cancelled, "the caller cancelled the call, or went away, while it waited",
                time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false))
            {
                Record(call, "cancelled", $"{call.Id} cancelled by the caller while it waited");
            }
        }
        catch (ApprovalsUnavailableException e)
        {
            // It expires in the store by itself; nobody waits for it any more.
            LogCancelFailed(logger, call.Id, e.Message);
        }
    }

    private void Wake(string id)
    {
        if (_changed.TryRemove(id, out var changed))
        {
            changed.TrySetResult();
        }
    }

    private void Record(HeldCall call, string step, string reason) => audit.Post(Step(call, step, reason));

    private AuditEvent Step(HeldCall call, string step, string reason) => new()
    {
        Time = time.GetUtcNow(),
        Kind = AuditKinds.Approval,
        Identity = call.Identity,
        Grant = call.Grant,
        Server = call.Server,
        Session = call.Session,
        Method = call.Method,
        Target = call.Target,
        Decision = step,
        Rule = call.Rule,
        Reason = reason,
    };

    private static string Because(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}";

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b, TimeSpan c) =>
        TimeSpan.FromTicks(Math.Max(1, Math.Min(a.Ticks, Math.Min(b.Ticks, c.Ticks))));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark held call {Id} cancelled: {Reason}")]
    private static partial void LogCancelFailed(ILogger logger, string id, string reason);
}
