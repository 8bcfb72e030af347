using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Policy;
using Gatehouse.Relay;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions.Gates;

/// <summary>One call on its way through the gates, with what each gate learned of it for the gates after it.</summary>
internal sealed class CallContext(RelayCall call, JsonRpcRequest request, AuditEvent record)
{
    /// <summary>Who is calling, on which session.</summary>
    public RelayCall Call { get; } = call;

    public JsonRpcRequest Request { get; } = request;

    /// <summary>The audit record of the decision, as the gates fill it in.</summary>
    public AuditEvent Record { get; set; } = record;

    /// <summary>The caller's grant on the server (<see cref="GrantGate"/>).</summary>
    public GrantPolicy Grant { get; set; } = null!;

    /// <summary>The grant's policy as it stood when the call came (<see cref="GrantGate"/>).</summary>
    public CompiledPolicy Policy { get; set; } = null!;

    /// <summary>The tool a <c>tools/call</c> names (<see cref="PolicyGate"/>); null for other methods.</summary>
    public string? Tool { get; set; }

    /// <summary>The call's arguments, as the policy reads them (<see cref="PolicyGate"/>).</summary>
    public JsonElement? Arguments { get; set; }

    /// <summary>The policy's decision (<see cref="PolicyGate"/>; for a tool, <see cref="CatalogGate"/> may decide again by its class).</summary>
    public PolicyDecision Decision { get; set; } = null!;

    /// <summary>Whether a rule by class (risk, category) could change the decision on <see cref="Tool"/>, once the catalog says its class.</summary>
    public bool ByClass { get; set; }

    /// <summary>The refusal of the call by <paramref name="verdict"/>, recorded as such.</summary>
    public RequestDecision Refuse(Verdict verdict) =>
        RequestDecision.Refuse(verdict.ReplyTo(Request)).RecordedAs(Record with { Decision = verdict.Decision, Rule = verdict.Rule, Reason = verdict.Reason });

    /// <summary>The refusal of a request that does not say what the decision needs, recorded as such.</summary>
    public RequestDecision Malformed(string message) =>
        RequestDecision.Refuse(JsonRpcReplies.Error(Request.Id, McpErrorCode.InvalidParams, message))
            .RecordedAs(Record with { Decision = AuditDecisions.Deny, Rule = "request", Reason = message });

    /// <summary>Leave to forward the call under the policy's rule, recorded as allowed, with <paramref name="reason"/> when one is given.</summary>
    public RequestDecision Allow(string? reason = null) =>
        RequestDecision.Forward.RecordedAs(reason is null
            ? Record with { Decision = AuditDecisions.Allow, Rule = Decision.Rule }
            : Record with { Decision = AuditDecisions.Allow, Rule = Decision.Rule, Reason = reason });

    /// <summary>The refusal the policy's decision says, when it is a denial or invalid arguments; null otherwise.</summary>
    public RequestDecision? RefuseAsDecided() => Decision.Kind switch
    {
        DecisionKind.Deny => Refuse(new Verdict(AuditDecisions.Deny, Decision.Rule, Decision.Reason ?? "denied")),
        DecisionKind.InvalidArguments => Refuse(new Verdict(AuditDecisions.InvalidArguments, Decision.Rule, Decision.Reason ?? "invalid arguments")),
        _ => null,
    };

    /// <summary>
    /// Records what the call acts on: <paramref name="target"/>, and its arguments as the policy's decision and the
    /// built-in rules redact them.
    /// </summary>
    public void Describe(string target)
    {
        var arguments = (Request.Params as JsonObject)?["arguments"]?.DeepClone();
        var redacted = SecretRedactor.Redact(ArgumentRedaction.Apply(arguments, Decision.Redact));
        Record = Record with { Target = target, Arguments = redacted?.ToJsonString() };
    }
}
