using System.Text;
using Gatehouse.Policy.Parsing;

namespace Gatehouse.Policy;

/// <summary>
/// The outcome of one call under a policy. Decisions for calls that need no argument checks are built
/// once per rule when the policy is compiled and shared, so deciding them allocates nothing.
/// </summary>
public sealed class PolicyDecision
{
    internal PolicyDecision(
        DecisionKind kind,
        string rule,
        string? reason,
        IReadOnlyList<CounterRequirement> counters,
        ApprovalRequirement? approval,
        IReadOnlyList<string> redact,
        IReadOnlyList<string> scopes)
    {
        Kind = kind;
        Rule = rule;
        Reason = reason;
        Counters = counters;
        Approval = approval;
        Redact = redact;
        Scopes = scopes;
    }

    public DecisionKind Kind { get; }

    /// <summary>The kind as policies and cases files write it: <c>allow</c>, <c>deny</c>, <c>require_approval</c>, <c>invalid_arguments</c>.</summary>
    public string KindName => PolicyNames.Of(Kind);

    /// <summary>The rule that decided, e.g. <c>tools.send_campaign</c>, <c>tools["get_*"]</c>, <c>classes[0]</c> or <c>default</c>.</summary>
    public string Rule { get; }

    /// <summary>Why, in words the agent can act on; always set for refusals, the operator's text if given.</summary>
    public string? Reason { get; }

    /// <summary>The counters the call must consume, all or none, before it runs; empty for refusals.</summary>
    public IReadOnlyList<CounterRequirement> Counters { get; }

    /// <summary>Set only when <see cref="Kind"/> is <see cref="DecisionKind.RequireApproval"/>.</summary>
    public ApprovalRequirement? Approval { get; }

    /// <summary>Argument paths (canonical <c>$.a.b[0]</c> form) to redact where the call is recorded.</summary>
    public IReadOnlyList<string> Redact { get; }

    /// <summary>
    /// The OAuth scopes the rule says a caller's token must carry for the call (besides its grant's); empty when it names none.
    /// A credential not limited by scopes (an API key) needs none.
    /// </summary>
    public IReadOnlyList<string> Scopes { get; }

    internal PolicyDecision AsInvalidArguments(string reason) =>
        new(DecisionKind.InvalidArguments, Rule, reason, [], null, Redact, Scopes);

    public override string ToString()
    {
        var text = new StringBuilder(KindName).Append(" by ").Append(Rule);
        if (Reason is not null)
        {
            text.Append(": ").Append(Reason);
        }
        foreach (var counter in Counters)
        {
            text.Append("; counter ").Append(counter.Name).Append(' ')
                .Append(counter.Max).Append(" per ").Append(Durations.Format(counter.Window))
                .Append(" per ").Append(PolicyNames.Of(counter.Scope));
            if (counter.Algorithm == CounterAlgorithm.Smooth)
            {
                text.Append(", smooth");
            }
        }
        return text.ToString();
    }
}
