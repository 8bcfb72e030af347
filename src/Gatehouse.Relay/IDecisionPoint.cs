using System.Security.Claims;
using Gatehouse.Audit;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// The one place where the relay asks whether a request may reach the upstream, and what of a list
/// result the client may see. Everything else passes through unchanged.
/// </summary>
public interface IDecisionPoint
{
    /// <summary>
    /// Decides a request of one of the <see cref="RelayMethods.Decided"/> methods.
    /// </summary>
    /// <returns><see cref="RequestDecision.Forward"/> to relay the request, or a reply to send instead.</returns>
    ValueTask<RequestDecision> DecideAsync(RelayCall call, JsonRpcRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Filters the upstream's result of one of the <see cref="RelayMethods.Lists"/> methods.
    /// </summary>
    ValueTask<JsonRpcResponse> FilterListAsync(RelayCall call, JsonRpcRequest request, JsonRpcResponse response, CancellationToken cancellationToken);
}

/// <summary>Who is calling, on which server and session: what a decision may depend on besides the message.</summary>
/// <param name="server">The upstream server's name in the configuration.</param>
/// <param name="sessionId">The client session's id.</param>
/// <param name="user">The authenticated caller; null when unauthenticated.</param>
/// <param name="tools">What the upstream offers on the session; null for a call outside any session (a refusal at the door).</param>
/// <param name="client">The client of the session, to be told of progress or asked; null for a client that can be asked nothing.</param>
public sealed class RelayCall(string server, string sessionId, ClaimsPrincipal? user, UpstreamTools? tools = null, IClientChannel? client = null)
{
    /// <summary>The upstream server's name in the configuration.</summary>
    public string Server { get; } = server;

    /// <summary>The client session's id.</summary>
    public string SessionId { get; } = sessionId;

    /// <summary>The authenticated caller, with the claims its credential carried; null when unauthenticated.</summary>
    public ClaimsPrincipal? User { get; } = user;

    /// <summary>The authenticated identity's name, or null when the request carried none.</summary>
    public string? Identity { get; } = IdentityOf(user);

    /// <summary>The name of an authenticated <paramref name="user"/>, or null.</summary>
    public static string? IdentityOf(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true } identity ? identity.Name : null;

    /// <summary>The audit record of a decision on <paramref name="request"/> from this caller, before anything is decided.</summary>
    public AuditEvent DecisionRecord(JsonRpcRequest request, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(request);
        return DecisionRecord(request.Method, request.Id.ToString(), time);
    }

    /// <summary>The audit record of a decision on <paramref name="notification"/> from this caller.</summary>
    public AuditEvent DecisionRecord(JsonRpcNotification notification, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return DecisionRecord(notification.Method, requestId: null, time);
    }

    internal AuditEvent DecisionRecord(string method, string? requestId, DateTimeOffset time) => new()
    {
        Time = time,
        Kind = AuditKinds.Decision,
        Identity = Identity,
        Server = Server,
        Session = SessionId,
        RequestId = requestId,
        Method = method,
    };

    /// <summary>What the upstream offers on this session.</summary>
    /// <exception cref="InvalidOperationException">The call belongs to no session.</exception>
    public UpstreamTools Tools => tools ?? throw new InvalidOperationException($"A call on server '{Server}' outside any session has no upstream tools.");

    /// <summary>The client of this session, which a decision may tell of progress or ask.</summary>
    public IClientChannel Client { get; } = client ?? NoClientChannel.Instance;

    /// <summary>
    /// Whether the request is a retry of a multi-round call (MCP 2026-07-28 <c>input_required</c>) whose earlier round was
    /// allowed, with the same target and arguments: it is decided again, but its limits are not spent again.
    /// </summary>
    public bool IsContinuation { get; init; }

    /// <summary>Whether the earlier round this request continues was approved by a person: it is not held for approval again.</summary>
    public bool ContinuesApproved { get; init; }
}

/// <summary>The outcome of <see cref="IDecisionPoint.DecideAsync"/>.</summary>
public readonly record struct RequestDecision
{
    private RequestDecision(JsonRpcMessage? reply, AuditEvent? record, bool approved = false)
    {
        Reply = reply;
        Record = record;
        Approved = approved;
    }

    /// <summary>The message to send the client instead of relaying the request; null to relay it.</summary>
    public JsonRpcMessage? Reply { get; }

    /// <summary>
    /// The audit record of this decision, written durably before the decision takes effect; null records nothing
    /// (a decision point that audits nothing, such as allow-all).
    /// </summary>
    public AuditEvent? Record { get; }

    /// <summary>
    /// Completes once <see cref="Record"/> is on disk. A call may go upstream once its record is written; nothing of its
    /// answer reaches the client before this completes (<see cref="CallRecorder.MayAnswerAsync"/>).
    /// </summary>
    public Task RecordOnDisk { get => field ?? Task.CompletedTask; init; }

    /// <summary>Relay the request upstream.</summary>
    public static RequestDecision Forward { get; } = new(null, null);

    /// <summary>Do not relay the request; answer the client with <paramref name="reply"/>.</summary>
    public static RequestDecision Refuse(JsonRpcMessage reply) => new(reply ?? throw new ArgumentNullException(nameof(reply)), null);

    /// <summary>Whether a person approved the request (the decision of a <c>require_approval</c> rule that let it through).</summary>
    public bool Approved { get; }

    /// <summary>This decision, recorded in the audit log as <paramref name="record"/>.</summary>
    public RequestDecision RecordedAs(AuditEvent record) => new(Reply, record ?? throw new ArgumentNullException(nameof(record)), Approved);

    /// <summary>This decision, taken because a person approved the request.</summary>
    public RequestDecision AsApproved() => new(Reply, Record, approved: true);
}

/// <summary>Lets every request through and every list unfiltered.</summary>
public sealed class AllowAllDecisionPoint : IDecisionPoint
{
    /// <inheritdoc />
    public ValueTask<RequestDecision> DecideAsync(RelayCall call, JsonRpcRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(RequestDecision.Forward);

    /// <inheritdoc />
    public ValueTask<JsonRpcResponse> FilterListAsync(RelayCall call, JsonRpcRequest request, JsonRpcResponse response, CancellationToken cancellationToken) =>
        ValueTask.FromResult(response);
}
