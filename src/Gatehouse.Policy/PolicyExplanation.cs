using System.Text;

namespace Gatehouse.Policy;

/// <summary>A decision together with the trace of rules that produced it, for <c>gatehouse policy explain</c>.</summary>
public sealed class PolicyExplanation
{
    internal PolicyExplanation(PolicyDecision decision, IReadOnlyList<PolicyTraceStep> trace)
    {
        Decision = decision;
        Trace = trace;
    }

    public PolicyDecision Decision { get; }

    /// <summary>Every rule of the section in document order, then the default, then the deciding rule's argument checks.</summary>
    public IReadOnlyList<PolicyTraceStep> Trace { get; }

    public override string ToString()
    {
        var text = new StringBuilder("decision: ").Append(Decision).AppendLine();
        foreach (var step in Trace)
        {
            text.Append("  ").Append(step).AppendLine();
        }
        return text.ToString();
    }
}
