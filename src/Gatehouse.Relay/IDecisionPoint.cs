using System.Security.Claims;
using System.Text.Json.Nodes;
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
public sealed class RelayCall(string server, string sessionId, ClaimsPrincipal? user)
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
    public UpstreamTools Tools { get; internal set; } = null!;

    /// <summary>
    /// Sends the client a progress notification for a request still being decided (a call held for approval),
    /// when the request asked for progress; does nothing otherwise.
    /// </summary>
    public Func<JsonRpcRequest, double, string, Task> Progress { get; internal set; } = (_, _, _) => Task.CompletedTask;

    /// <summary>Whether the client said, when it initialized, that it can ask its user for input (MCP elicitation).</summary>
    public Func<bool> ClientElicits { get; internal set; } = () => false;

    /// <summary>
    /// Asks the client's user through the client (<c>elicitation/create</c> with these parameters), on the stream of
    /// the request being decided, and returns the client's result.
    /// </summary>
    public Func<JsonRpcRequest, JsonObject, CancellationToken, Task<JsonNode?>> Elicit { get; internal set; } =
        (_, _, _) => throw new NotSupportedException("This session cannot ask its client.");
}

/// <summary>The outcome of <see cref="IDecisionPoint.DecideAsync"/>.</summary>
public readonly record struct RequestDecision
{
    private RequestDecision(JsonRpcMessage? reply, AuditEvent? record)
    {
        Reply = reply;
        Record = record;
    }

    /// <summary>The message to send the client instead of relaying the request; null to relay it.</summary>
    public JsonRpcMessage? Reply { get; }

    /// <summary>
    /// The audit record of this decision, written durably before the decision takes effect; null records nothing
    /// (a decision point that audits nothing, such as allow-all).
    /// </summary>
    public AuditEvent? Record { get; }

    /// <summary>Relay the request upstream.</summary>
    public static RequestDecision Forward { get; } = new(null, null);

    /// <summary>Do not relay the request; answer the client with <paramref name="reply"/>.</summary>
    public static RequestDecision Refuse(JsonRpcMessage reply) => new(reply ?? throw new ArgumentNullException(nameof(reply)), null);

    /// <summary>This decision, recorded in the audit log as <paramref name="record"/>.</summary>
    public RequestDecision RecordedAs(AuditEvent record) => new(Reply, record ?? throw new ArgumentNullException(nameof(record)));
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
