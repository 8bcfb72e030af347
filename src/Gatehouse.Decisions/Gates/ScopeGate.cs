using Gatehouse.Audit;
using Gatehouse.Relay;

namespace Gatehouse.Decisions.Gates;

/// <summary>
/// The scopes of the call's grant and of the rule that decided it. The HTTP front checks the grant's and those of a rule
/// chosen by name first, against the token of the very request, answering 403 with the scopes to ask for
/// (<see cref="ScopeRequirements"/>); a rule chosen by the tool's class is known only here, once the catalog has said the
/// class, and so is the decision of a request the front does not see as such (a 2026-07-28 <c>subscriptions/listen</c>).
/// A refusal here is a JSON-RPC error naming the scopes. On a session, a call is judged by the token of its own request,
/// which carries at least the scopes the session was opened with, or it is refused as another caller's.
/// </summary>
internal sealed class ScopeGate : ICallGate
{
    /// <inheritdoc />
    public ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken)
    {
        if (ScopeRequirement.Check(CallerScopes.Of(CallerScopes.Sender(call.Request, call.Call.User)), call.Grant.Grant.Scopes, call.Decision.Scopes, call.Decision.Rule) is not { } requirement)
        {
            return ValueTask.FromResult<RequestDecision?>(null);
        }

        var verdict = new Verdict(AuditDecisions.InsufficientScope, requirement.Rule, requirement.Reason);
        return ValueTask.FromResult<RequestDecision?>(RequestDecision.Refuse(verdict.AsError(call.Request.Id))
            .RecordedAs(call.Record with { Decision = verdict.Decision, Rule = verdict.Rule, Reason = verdict.Reason }));
    }
}
