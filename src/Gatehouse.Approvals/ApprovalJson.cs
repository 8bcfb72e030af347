using System.Text.Json.Nodes;

namespace Gatehouse.Approvals;

/// <summary>The one JSON shape of a held call, for <c>gatehouse approvals --json</c> and the admin API.</summary>
public static class ApprovalJson
{
    public static JsonObject Of(HeldCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new JsonObject
        {
            ["id"] = call.Id,
            ["state"] = StateName(call.State),
            ["identity"] = call.Identity,
            ["grant"] = call.Grant,
            ["server"] = call.Server,
            ["method"] = call.Method,
            ["target"] = call.Target,
            ["arguments"] = call.Arguments is null ? null : JsonNode.Parse(call.Arguments),
            ["rule"] = call.Rule,
            ["reason"] = call.Reason,
            ["approvers"] = new JsonArray([.. call.Approvers.Select(a => (JsonNode)a)]),
            ["approvalsRequired"] = call.ApprovalsRequired,
            ["approvals"] = new JsonArray([.. call.Approvals.Select(v => (JsonNode)new JsonObject
            {
                ["approver"] = v.Approver,
                ["at"] = v.At,
                ["reason"] = v.Reason,
            })]),
            ["requestedAt"] = call.RequestedAt,
            ["expiresAt"] = call.ExpiresAt,
            ["decidedBy"] = call.DecidedBy,
            ["decidedAt"] = call.DecidedAt,
            ["decisionReason"] = call.DecisionReason,
        };
    }

    /// <summary>A state as the CLI and the API spell it: <c>pending</c>, <c>approved</c>, ...</summary>
    public static string StateName(ApprovalState state) => state.ToString().ToLowerInvariant();

    /// <summary>The state spelled <paramref name="name"/>, or null when it names none.</summary>
    public static ApprovalState? ParseState(string name) =>
        Enum.GetValues<ApprovalState>().Cast<ApprovalState?>().FirstOrDefault(s => StateName(s!.Value) == name);

    /// <summary>What an approve or deny outcome means for the person who tried, in their words.</summary>
    public static string Describe(ApprovalResult result, string id)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Outcome switch
        {
            ApprovalOutcome.Recorded => $"Approval of {id} recorded: {result.Call!.Approvals.Count} of {result.Call.ApprovalsRequired}; it waits for more.",
            ApprovalOutcome.Approved => $"{id} is approved and runs now.",
            ApprovalOutcome.Denied => $"{id} is denied; the caller is told.",
            ApprovalOutcome.NotFound => $"There is no held call {id}.",
            ApprovalOutcome.NotPending => $"{id} is already {StateName(result.Call!.State)}; nothing changed.",
            ApprovalOutcome.Expired => $"{id} expired before this; nothing runs.",
            ApprovalOutcome.SelfApproval => $"{id} was made by {result.Call!.Identity}, who may not decide their own call.",
            ApprovalOutcome.AlreadyApproved => $"You already approved {id}; it needs another approver.",
            ApprovalOutcome.NotAnApprover => $"{id}'s rule names its approvers ({string.Join(", ", result.Call!.Approvers)}), and you are not one of them.",
            _ => $"{id}: {result.Outcome}",
        };
    }
}
