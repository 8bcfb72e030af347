using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Policy;
using Gatehouse.Relay;

namespace Gatehouse.Decisions.Gates;

/// <summary>
/// A call the policy holds for approval waits until a person decides (in the approval queue, or the caller's own user
/// in their client when the rule lets them); an approved call then spends its limits like any other (the
/// <see cref="CounterGate"/>'s), and runs once.
/// </summary>
internal sealed class ApprovalGate(ApprovalQueue approvals, CounterGate counters, TimeProvider time) : ICallGate
{
    /// <inheritdoc />
    public async ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken) => call.Decision.Kind switch
    {
        // Its first round was approved, for the same target and arguments: a person is not asked once per round.
        DecisionKind.RequireApproval when call.Call.ContinuesApproved => call.Allow("a retry of a multi-round call whose first round was approved").AsApproved(),
        DecisionKind.RequireApproval => await HoldAsync(call, cancellationToken).ConfigureAwait(false),
        _ => null,
    };

    private async Task<RequestDecision> HoldAsync(CallContext call, CancellationToken cancellationToken)
    {
        var decision = call.Decision;
        var request = call.Request;
        var client = call.Call.Client;
        var approval = decision.Approval!;
        var now = time.GetUtcNow();
        var held = new HeldCall
        {
            Id = ApprovalQueue.NewId(),
            RequestedAt = now,
            ExpiresAt = now + (approval.Timeout ?? ApprovalQueue.DefaultTimeout),
            Identity = call.Call.Identity ?? "",
            Grant = call.Grant.Grant.Id,
            Server = call.Call.Server,
            Session = call.Call.SessionId,
            Method = request.Method,
            Target = call.Record.Target ?? "",
            Arguments = call.Record.Arguments,
            Rule = decision.Rule,
            Reason = decision.Reason,
            Approvers = approval.Approvers,
            ApprovalsRequired = approval.Approvals,
        };

        // A rule may let the caller's own user decide, in their client, when the client can be asked; never a rule
        // that names its approvers or needs more than one, since the caller's user is not one of them.
        var elicited = approval is { Via: "elicitation", Approvers.Count: 0, Approvals: 1 } && client.CanElicit;
        HeldCall ended;
        try
        {
            ended = elicited
                ? await approvals.ElicitAsync(held, (parameters, ct) => client.ElicitAsync(request, parameters, ct), cancellationToken).ConfigureAwait(false)
                : await approvals.HoldAsync(held, waited => client.ReportProgressAsync(request, Math.Floor(waited.TotalSeconds),
                    $"Waiting for a person to approve this call ({held.Id}); it expires at {held.ExpiresAt:u}."), cancellationToken).ConfigureAwait(false);
        }
        catch (ApprovalsUnavailableException)
        {
            return call.Refuse(new Verdict(AuditDecisions.Unavailable, decision.Rule,
                "the approval queue cannot be reached, so calls that need approval are refused until it is back"));
        }

        var by = $"{held.Id} {ended.State.ToString().ToLowerInvariant()} by {ended.DecidedBy}{(string.IsNullOrWhiteSpace(ended.DecisionReason) ? "" : $": {ended.DecisionReason}")}";
        switch (ended.State)
        {
            case ApprovalState.Approved:
                var admitted = await counters.ConsumeAsync(call, cancellationToken).ConfigureAwait(false);
                if (admitted.Reply is not null)
                {
                    return admitted;
                }

                // Every replica polls the same store: exactly one may run it. An elicited call is in no store: its
                // one waiter is the only one that knows of it.
                bool claimed;
                try
                {
                    claimed = elicited || await approvals.ClaimRunAsync(held.Id, cancellationToken).ConfigureAwait(false);
                }
                catch (ApprovalsUnavailableException)
                {
                    return call.Refuse(new Verdict(AuditDecisions.Unavailable, decision.Rule,
                        $"{held.Id} was approved, but the approval store could not be reached to run it exactly once, so it was not run"));
                }

                return claimed
                    ? call.Allow(reason: by).AsApproved()
                    : call.Refuse(new Verdict(AuditDecisions.Deny, decision.Rule, $"{held.Id} has already run, or expired before it could run"));
            case ApprovalState.Denied:
                return call.Refuse(new Verdict(AuditDecisions.ApprovalDenied, decision.Rule, $"a person denied this call ({by})"));
            case ApprovalState.Expired:
                return call.Refuse(new Verdict(AuditDecisions.ApprovalExpired, decision.Rule,
                    $"nobody approved this call in time ({held.Id} expired at {held.ExpiresAt:u})"));
            default:
                return call.Refuse(new Verdict(AuditDecisions.Deny, decision.Rule, $"{held.Id} ended {ended.State.ToString().ToLowerInvariant()}"));
        }
    }
}
