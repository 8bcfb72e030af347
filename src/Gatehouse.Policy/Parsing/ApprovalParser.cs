using Gatehouse.Policy.Json;

namespace Gatehouse.Policy.Parsing;

/// <summary>
/// Reads how a held call may be released: <c>approvers</c>, <c>approvals</c>, <c>approve_via</c>, <c>timeout</c>.
/// The engine validates and carries them; the approvals component acts on them.
/// </summary>
internal sealed class ApprovalParser(NodeReader read)
{
    public static readonly string[] Fields = ["approvers", "approvals", "approve_via", "timeout"];

    private static readonly IReadOnlyList<(string Name, string Value)> _channels = [("elicitation", "elicitation")];

    /// <summary>The requirement as written; invalid fields are reported and left at their defaults.</summary>
    public ApprovalRequirement Parse(Node rule)
    {
        var approvers = new List<string>();
        if (NodeReader.Field(rule, "approvers") is { } approversNode)
        {
            foreach (var item in read.Array(approversNode) ?? [])
            {
                if (read.String(item) is not { } approver)
                {
                    continue;
                }
                if (approvers.Contains(approver, StringComparer.Ordinal))
                {
                    read.Diagnostics.Error(item.Path, $"{PolicyPath.Quote(approver)} is listed twice");
                }
                approvers.Add(approver);
            }
        }
        var approvals = 1;
        if (NodeReader.Field(rule, "approvals") is { } approvalsNode)
        {
            approvals = read.Integer(approvalsNode, minimum: 1) ?? approvals;
            if (approvers.Count > 0 && approvals > approvers.Count)
            {
                read.Diagnostics.Error(approvalsNode.Path, $"{approvals} approvals can never be given by {approvers.Count} approvers");
            }
        }
        string? via = null;
        if (NodeReader.Field(rule, "approve_via") is { } viaNode)
        {
            via = read.Choice(viaNode, _channels, out var channel) ? channel : null;
        }
        TimeSpan? timeout = null;
        if (NodeReader.Field(rule, "timeout") is { } timeoutNode)
        {
            if (!Durations.TryRead(timeoutNode.Element, out var duration, out var error))
            {
                read.Diagnostics.Error(timeoutNode.Path, "timeout " + error);
            }
            else if (Durations.TimeoutError(duration) is { } tooLong)
            {
                read.Diagnostics.Error(timeoutNode.Path, "timeout " + tooLong);
            }
            else
            {
                timeout = duration;
            }
        }
        return new ApprovalRequirement(approvers, approvals, via, timeout);
    }
}
