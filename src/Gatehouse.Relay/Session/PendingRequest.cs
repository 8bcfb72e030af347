using Gatehouse.Audit;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>One client request that waits: for its decision, or for the upstream's answer.</summary>
internal sealed class PendingRequest(JsonRpcRequest request, ITransport replyTo, long sequence, string? progressToken, CancellationTokenSource cancellation)
{
    private int _forwarding;

    public JsonRpcRequest Request { get; } = request;

    /// <summary>The client stream its answer goes to.</summary>
    public ITransport ReplyTo { get; } = replyTo;

    /// <summary>Its place in the order the session took requests in.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>The progress token it asked for, as JSON text; null when it asked for none.</summary>
    public string? ProgressToken { get; } = progressToken;

    /// <summary>Cancelled once the request is taken (answered, refused, cancelled, timed out, its session closed).</summary>
    public CancellationTokenSource Cancellation { get; } = cancellation;

    public ITimer? Timeout { get; set; }

    /// <summary>The audit record of the request's decision, once decided; null when nothing recorded it.</summary>
    public AuditEvent? Decision { get; set; }

    /// <summary>Completes once <see cref="Decision"/> is on disk: nothing of the answer reaches the client before.</summary>
    public Task RecordOnDisk { get; set; } = Task.CompletedTask;

    /// <summary>When the request was sent upstream (a <see cref="TimeProvider"/> timestamp); null until then.</summary>
    public long? ForwardedAt { get; set; }

    /// <summary>The span of a decided request, when someone listens for traces.</summary>
    public System.Diagnostics.Activity? Activity { get; set; }

    /// <summary>Claims the send upstream; false when the request was answered, cancelled or abandoned first.</summary>
    public bool TryStartForward() => Interlocked.CompareExchange(ref _forwarding, 1, 0) == 0;

    /// <summary>The request is done with: a send that has not started yet must not start.</summary>
    public void MarkTaken() => Interlocked.CompareExchange(ref _forwarding, 2, 0);
}
