using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// Writes each decision to the audit log before it takes effect, on disk before the call goes upstream (or, as the
/// operator may choose, written before it goes and on disk before anything of its answer is seen); and each upstream
/// answer after it arrives. Fails closed: a decision that cannot be recorded becomes a refusal, and an answer whose
/// record could not be put on disk is withheld, unless the operator chose <c>audit.failOpen</c>.
/// </summary>
public sealed partial class CallRecorder(IAuditLog audit, GatehouseConfig config, GatehouseTelemetry telemetry, TimeProvider time,
    ILogger<CallRecorder> logger)
{
    /// <summary>
    /// Records <paramref name="decision"/>; returns it, or the refusal that replaces it when it could not be recorded,
    /// once its record is on disk. With <c>audit.onDiskBefore</c> <c>"answer"</c>, a call let through returns once its
    /// record is written, its <see cref="RequestDecision.RecordOnDisk"/> telling when the record is on disk too: the
    /// call goes upstream meanwhile.
    /// </summary>
    public async ValueTask<RequestDecision> RecordAsync(JsonRpcRequest request, RequestDecision decision, CancellationToken cancellationToken)
    {
        if (decision.Record is not { } record)
        {
            return decision;
        }

        telemetry.Decided(record);
        try
        {
            if (decision.Reply is not null || config.Audit.OnDiskBeforeForward)
            {
                await audit.RecordAsync(record, cancellationToken).ConfigureAwait(false);
                return decision;
            }

            var written = await audit.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            return decision with { RecordOnDisk = written.OnDisk };
        }
        catch (AuditUnavailableException e) when (config.Audit.FailOpen)
        {
            LogUnrecorded(logger, record.Method ?? "-", record.Server ?? "-", e.Message);
            return decision;
        }
        catch (AuditUnavailableException e)
        {
            LogRefused(logger, record.Method ?? "-", record.Server ?? "-", e.Message);
            return RequestDecision.Refuse(new Verdict(AuditDecisions.Unavailable, "audit",
                "the audit log cannot record this request, so it is refused until the audit store is back").ReplyTo(request));
        }
    }

    /// <summary>
    /// Waits until the record of a call let through is on disk, before anything of the call's answer reaches the client;
    /// false when it could not be put there, and the answer must be withheld (<see cref="Withheld"/>).
    /// </summary>
    public async ValueTask<bool> MayAnswerAsync(AuditEvent? record, Task recordOnDisk)
    {
        ArgumentNullException.ThrowIfNull(recordOnDisk);
        if (recordOnDisk.IsCompletedSuccessfully)
        {
            return true;
        }

        try
        {
            await recordOnDisk.ConfigureAwait(false);
            return true;
        }
        catch (AuditUnavailableException e) when (config.Audit.FailOpen)
        {
            LogUnrecorded(logger, record?.Method ?? "-", record?.Server ?? "-", e.Message);
            return true;
        }
        catch (AuditUnavailableException e)
        {
            LogWithheld(logger, record?.Method ?? "-", record?.Server ?? "-", e.Message);
            return false;
        }
    }

    /// <summary>
    /// Waits, before a message the upstream sent about a call in flight (a notification, a request of its own) reaches the
    /// client, until that call's record is on disk: <paramref name="recordOnDisk"/> when the call is known, else every record
    /// written so far, since which call such a message belongs to is not always known. False when the record could not be
    /// put on disk: the message is dropped, as the call's answer is withheld (unless <c>audit.failOpen</c>).
    /// </summary>
    public async ValueTask<bool> MayRelayAsync(Task? recordOnDisk = null)
    {
        var onDisk = recordOnDisk ?? audit.OnDisk;
        if (onDisk.IsCompletedSuccessfully)
        {
            return true;
        }

        try
        {
            await onDisk.ConfigureAwait(false);
            return true;
        }
        catch (AuditUnavailableException)
        {
            return config.Audit.FailOpen;
        }
    }

    /// <summary>What the client gets instead of an answer whose call's record could not be put on disk.</summary>
    public static JsonRpcError Withheld(RequestId id) => JsonRpcReplies.Error(id, McpErrorCode.InternalError,
        "The audit log could not put this call's record on disk, so its answer is withheld; the upstream server may have acted on it.");

    /// <summary>Records what the upstream answered a request let through under <paramref name="decision"/>; not awaited.</summary>
    public void RecordOutcome(AuditEvent decision, string outcome, TimeSpan latency)
    {
        var record = decision with
        {
            Kind = AuditKinds.Outcome,
            Time = time.GetUtcNow(),
            // The decision record holds them; once is enough, and the less a log repeats, the less it can leak.
            Arguments = null,
            Outcome = outcome,
            LatencyMicroseconds = (long)latency.TotalMicroseconds,
        };
        telemetry.Answered(record, latency);
        audit.Post(record);
    }

    /// <summary>Records a request the relay refused itself, before any policy saw it (an unknown method, a malformed message).</summary>
    public void RecordRefusal(RelayCall call, JsonRpcRequest request, string rule, string reason) =>
        Refused(call.DecisionRecord(request, time.GetUtcNow()), rule, reason);

    /// <summary>Records a message refused before it could be read one way only (<see cref="Wire.WireMessages"/>).</summary>
    public void RecordRefusal(RelayCall call, Wire.WireRefusal refusal)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(refusal);
        var record = call.DecisionRecord(refusal.Method ?? "(unreadable)", refusal.Id.Id is null ? null : refusal.Id.ToString(), time.GetUtcNow());
        Refused(record, "request", refusal.Reason);
    }

    /// <summary>Records a notification the relay dropped (a method it does not know).</summary>
    public void RecordRefusal(RelayCall call, JsonRpcNotification notification, string rule, string reason) =>
        Refused(call.DecisionRecord(notification, time.GetUtcNow()), rule, reason);

    private void Refused(AuditEvent record, string rule, string reason)
    {
        record = record with { Decision = AuditDecisions.Deny, Rule = rule, Reason = reason };
        telemetry.Decided(record);
        audit.Post(record);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Let {Method} on {Server} through unrecorded (audit.failOpen): {Reason}")]
    private static partial void LogUnrecorded(ILogger logger, string method, string server, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Withheld the answer to {Method} on {Server}: its decision's record could not be put on disk: {Reason}")]
    private static partial void LogWithheld(ILogger logger, string method, string server, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused {Method} on {Server}: its decision could not be recorded: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string server, string reason);
}
