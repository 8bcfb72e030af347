namespace Gatehouse.Policy;

/// <summary>
/// How a call held for approval may be released. The engine only validates and carries these;
/// the approvals component acts on them.
/// </summary>
/// <param name="Approvers">Who may approve; empty means anyone allowed to approve on this gateway.</param>
/// <param name="Approvals">How many distinct approvals release the call.</param>
/// <param name="Via">The channel to ask on (<c>elicitation</c>), or null for the gateway's own queue.</param>
/// <param name="Timeout">How long the call may wait before it is refused, or null for the gateway's default.</param>
public sealed record ApprovalRequirement(IReadOnlyList<string> Approvers, int Approvals, string? Via, TimeSpan? Timeout);
