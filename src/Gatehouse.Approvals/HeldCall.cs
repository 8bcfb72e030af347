namespace Gatehouse.Approvals;

/// <summary>Where a held call stands.</summary>
public enum ApprovalState
{
    /// <summary>Waiting for approvals.</summary>
    Pending,

    /// <summary>Approved by enough approvers; not yet run.</summary>
    Approved,

    /// <summary>An approver refused it; it never runs.</summary>
    Denied,

    /// <summary>Nobody decided in time, or it was approved but not run soon after (its caller had gone); it never runs.</summary>
    Expired,

    /// <summary>The caller cancelled or went away while it waited; it never runs.</summary>
    Cancelled,

    /// <summary>Approved and sent upstream, once.</summary>
    Executed,
}

/// <summary>
/// A call held until a person approves or denies it. Its arguments are stored redacted, as the audit log
/// stores them: an approver sees what the policy lets them see.
/// </summary>
public sealed record HeldCall
{
    /// <summary>A random id (<c>ap_</c> and 16 hex digits) that approvers name the call by.</summary>
    public required string Id { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>When it expires if nobody decides (the rule's <c>timeout</c>).</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Who asked; they may never approve their own call.</summary>
    public required string Identity { get; init; }

    public required string Grant { get; init; }

    public required string Server { get; init; }

    public required string Session { get; init; }

    /// <summary>The JSON-RPC method, e.g. <c>tools/call</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The tool (or prompt, or resource uri).</summary>
    public required string Target { get; init; }

    /// <summary>The arguments as JSON text, redacted.</summary>
    public string? Arguments { get; init; }

    /// <summary>The rule that asked for approval.</summary>
    public required string Rule { get; init; }

    /// <summary>The rule's reason, shown to approvers.</summary>
    public string? Reason { get; init; }

    /// <summary>Who may approve (the rule's <c>approvers</c>); empty: anyone with the approver role for the grant.</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>How many distinct approvers must approve (the rule's <c>approvals</c>).</summary>
    public int ApprovalsRequired { get; init; } = 1;

    public ApprovalState State { get; init; } = ApprovalState.Pending;

    /// <summary>The approvals given so far, oldest first.</summary>
    public IReadOnlyList<ApprovalVote> Approvals { get; init; } = [];

    /// <summary>Who ended it (the last approver, the denier), or <c>gatehouse</c> when it expired or was cancelled.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Why it ended, in the words the caller is told.</summary>
    public string? DecisionReason { get; init; }
}

/// <summary>One approver's approval.</summary>
public sealed record ApprovalVote(string Approver, DateTimeOffset At, string? Reason);
