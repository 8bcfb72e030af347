using Gatehouse.Audit;
using Gatehouse.Relay;

namespace Gatehouse.Decisions.Gates;

/// <summary>The caller needs a grant on the server: it names the policy every later gate decides by.</summary>
internal sealed class GrantGate(GrantPolicies grants) : ICallGate
{
    /// <inheritdoc />
    public ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken)
    {
        if (grants.Resolve(call.Call.Server, call.Call.User) is not { } grant)
        {
            var who = call.Call.Identity is null ? "an unauthenticated caller" : $"identity '{call.Call.Identity}'";
            return ValueTask.FromResult<RequestDecision?>(call.Refuse(new Verdict(AuditDecisions.Deny, "grant",
                $"no grant gives {who} access to server '{call.Call.Server}'")));
        }

        call.Grant = grant;
        call.Policy = grant.Policy.Current;
        call.Record = call.Record with { Grant = grant.Grant.Id };
        return ValueTask.FromResult<RequestDecision?>(null);
    }
}
