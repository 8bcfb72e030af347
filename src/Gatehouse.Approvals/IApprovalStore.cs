namespace Gatehouse.Approvals;

/// <summary>What came of an approver's approve or deny.</summary>
public enum ApprovalOutcome
{
    /// <summary>The approval counts; more are needed before the call is released.</summary>
    Recorded,

    /// <summary>That was the last approval needed: the call is approved.</summary>
    Approved,

    /// <summary>The call is denied.</summary>
    Denied,

    /// <summary>There is no held call with that id.</summary>
    NotFound,

    /// <summary>The call was already approved, denied, expired, cancelled or run.</summary>
    NotPending,

    /// <summary>Its time ran out before this approval; it is now expired.</summary>
    Expired,

    /// <summary>The approver is the identity that made the call.</summary>
    SelfApproval,

    /// <summary>The approver already approved this call (a two-person rule needs two people).</summary>
    AlreadyApproved,

    /// <summary>The rule names its approvers, and this one is not among them.</summary>
    NotAnApprover,
}

/// <summary>Which held calls a list shows. The store applies every condition before the list's limit, so no match is missed.</summary>
public sealed record ApprovalFilter
{
    /// <summary>Only calls in this state; null: every state.</summary>
    public ApprovalState? State { get; init; }

    /// <summary>Only calls held under one of these grants (none: no call); null: every grant.</summary>
    public IReadOnlyCollection<string>? Grants { get; init; }
}

/// <summary>An approve's or deny's outcome, and the call as it now stands (null when not found).</summary>
public sealed record ApprovalResult(ApprovalOutcome Outcome, HeldCall? Call);

/// <summary>
/// Held calls in the shared state store, so that any replica can approve a call held on another and pending
/// calls outlive a restart. Every change is one serialized transaction, so two approvers acting at once, or an
/// approval racing an expiry, end in exactly one state. Every method throws <c>ApprovalsUnavailableException</c>
/// when the store cannot answer.
/// </summary>
public interface IApprovalStore
{
    /// <summary>Stores a new pending call.</summary>
    Task CreateAsync(HeldCall call, CancellationToken cancellationToken);

    Task<HeldCall?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> held calls that <paramref name="filter"/> picks, newest first.</summary>
    Task<IReadOnlyList<HeldCall>> ListAsync(ApprovalFilter filter, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Counts <paramref name="approver"/>'s approval, checking in the same transaction that the call is pending and
    /// not expired at <paramref name="now"/> (else it expires it), that the approver is not its caller, is among
    /// its approvers when it names them, and has not approved it already; the call becomes approved once it has
    /// <see cref="HeldCall.ApprovalsRequired"/> approvals.
    /// </summary>
    Task<ApprovalResult> ApproveAsync(string id, string approver, string? reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Denies the call, with the same checks as <see cref="ApproveAsync"/> but for the count.</summary>
    Task<ApprovalResult> DenyAsync(string id, string approver, string? reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a pending call as <see cref="ApprovalState.Expired"/> or <see cref="ApprovalState.Cancelled"/>; false
    /// when it was no longer pending (someone decided first).
    /// </summary>
    Task<bool> EndAsync(string id, ApprovalState state, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Moves an approved call to <see cref="ApprovalState.Executed"/>; true exactly once, for the one caller that may run it.</summary>
    Task<bool> MarkExecutedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Expires every pending call whose time is up at <paramref name="now"/>, and every approved call not run within
    /// <paramref name="runTimeout"/> of its approval (it never will be), and returns them, each with the reason.
    /// </summary>
    Task<IReadOnlyList<HeldCall>> ExpireDueAsync(DateTimeOffset now, TimeSpan runTimeout, CancellationToken cancellationToken);
}
