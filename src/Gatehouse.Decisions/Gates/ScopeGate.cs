using Gatehouse.Audit;
using Gatehouse.Relay;

namespace Gatehouse.Decisions.Gates;

/// <summary>
/// The scopes of a rule chosen by the tool's class (risk, category). Every other scope a call needs, its grant's and those
/// of a rule chosen by name, the HTTP front checks first against the token of the very request, answering 403 with the
/// scopes to ask for (<see cref="ScopeRequirements"/>); a class rule is known only here, once the catalog has said the
/// class, and its refusal is a JSON-RPC error naming the scopes. On a session, the caller is the one that opened it.
/// </summary>
internal sealed class ScopeGate : ICallGate
{
    /// <inheritdoc />
    public ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken)
    {
        if (!call.ByClass ||
            ScopeRequirement.Check(CallerScopes.Of(call.Call.User), [], call.Decision.Scopes, call.Decision.Rule) is not { } requirement)
        {
            return ValueTask.FromResult<RequestDecision?>(null);
        }

        var verdict = new Verdict(AuditDecisions.InsufficientScope, requirement.Rule, requirement.Reason);
        return ValueTask.FromResult<RequestDecision?>(RequestDecision.Refuse(verdict.AsError(call.Request.Id))
            .RecordedAs(call.Record with { Decision = verdict.Decision, Rule = verdict.Rule, Reason = verdict.Reason }));
    }
}
