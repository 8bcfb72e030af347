using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>
/// The client requests of one session that wait, by id and by progress token. Each is taken exactly once, by whichever
/// comes first: its answer, a refusal, the client's cancellation, its timeout or the session's end.
/// </summary>
internal sealed class PendingRequests(CallRecorder recorder, TimeProvider time)
{
    private readonly ConcurrentDictionary<RequestId, PendingRequest> _byId = new();
    private readonly ConcurrentDictionary<string, PendingRequest> _byProgressToken = new(StringComparer.Ordinal);
    private long _sequence;

    public int Count => _byId.Count;

    /// <summary>Every request waiting now.</summary>
    public ICollection<PendingRequest> All => _byId.Values;

    public bool Contains(RequestId id) => _byId.ContainsKey(id);

    /// <summary>Starts waiting for <paramref name="request"/>, whose answer goes to <paramref name="replyTo"/>.</summary>
    public PendingRequest Add(JsonRpcRequest request, ITransport replyTo, CancellationToken lifetime)
    {
        var pending = new PendingRequest(request, replyTo, Interlocked.Increment(ref _sequence), ReadProgressToken(request.Params),
            CancellationTokenSource.CreateLinkedTokenSource(lifetime));
        _byId[request.Id] = pending;
        if (pending.ProgressToken is { } token)
        {
            _byProgressToken[token] = pending;
        }

        return pending;
    }

    /// <summary>Whether <paramref name="pending"/> still waits, and no later request took its id.</summary>
    public bool IsWaiting(PendingRequest pending) =>
        _byId.TryGetValue(pending.Request.Id, out var current) && ReferenceEquals(current, pending);

    /// <summary>The entry of exactly <paramref name="request"/> while it waits; null once taken.</summary>
    public PendingRequest? Find(JsonRpcRequest request) =>
        _byId.TryGetValue(request.Id, out var pending) && ReferenceEquals(pending.Request, request) ? pending : null;

    /// <summary>The request that asked for progress under <paramref name="token"/> (JSON text), while it waits.</summary>
    public PendingRequest? WithProgressToken(string token) => _byProgressToken.TryGetValue(token, out var owner) ? owner : null;

    /// <summary>The request taken most recently of those still waiting: its response stream is open.</summary>
    public PendingRequest? Latest()
    {
        PendingRequest? latest = null;
        foreach (var pending in _byId.Values)
        {
            if (latest is null || pending.Sequence > latest.Sequence)
            {
                latest = pending;
            }
        }

        return latest;
    }

    public PendingRequest? Take(RequestId id, string outcome) =>
        _byId.TryGetValue(id, out var pending) ? Take(pending, outcome) : null;

    /// <summary>
    /// Removes exactly this pending request (not a later one that reuses its id) and releases what it holds. A
    /// request that went upstream under a recorded decision gets its <paramref name="outcome"/> recorded.
    /// </summary>
    public PendingRequest? Take(PendingRequest pending, string? outcome)
    {
        if (!_byId.TryRemove(new KeyValuePair<RequestId, PendingRequest>(pending.Request.Id, pending)))
        {
            return null;
        }

        pending.MarkTaken();

        if (outcome is not null && pending.Decision is { } decision && pending.ForwardedAt is { } forwardedAt)
        {
            recorder.RecordOutcome(decision, outcome, time.GetElapsedTime(forwardedAt));
        }

        pending.Activity?.SetTag("gatehouse.outcome", outcome);
        pending.Activity?.Dispose();

        if (pending.ProgressToken is { } token)
        {
            _byProgressToken.TryRemove(new KeyValuePair<string, PendingRequest>(token, pending));
        }

        pending.Timeout?.Dispose();
        pending.Cancellation.Cancel();
        pending.Cancellation.Dispose();
        return pending;
    }

    /// <summary>The progress token as JSON text, so string and number tokens never match each other.</summary>
    public static string? ReadProgressToken(JsonNode? parameters, bool nested = true)
    {
        var holder = nested ? (parameters as JsonObject)?["_meta"] as JsonObject : parameters as JsonObject;
        return holder?["progressToken"]?.ToJsonString();
    }

    /// <summary>What the upstream's <paramref name="reply"/> means for the audit log.</summary>
    public static string OutcomeOf(JsonRpcMessage reply) => reply switch
    {
        JsonRpcError => AuditOutcomes.Error,
        JsonRpcResponse { Result: JsonObject result } when result["isError"] is JsonValue isError && isError.TryGetValue(out bool failed) && failed
            => AuditOutcomes.IsError,
        _ => AuditOutcomes.Ok,
    };
}
