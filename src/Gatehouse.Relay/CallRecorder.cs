using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// Writes each decision to the audit log before it takes effect, so that no call runs, and no refusal is seen,
/// without its record; and each upstream answer after it arrives. Fails closed: a decision that cannot be
/// recorded becomes a refusal, unless the operator chose <c>audit.failOpen</c>.
/// </summary>
public sealed partial class CallRecorder(IAuditLog audit, GatehouseConfig config, GatehouseTelemetry telemetry, TimeProvider time,
    ILogger<CallRecorder> logger)
{
    /// <summary>Records <paramref name="decision"/> durably; returns it, or the refusal that replaces it when it could not be recorded.</summary>
    public async ValueTask<RequestDecision> RecordAsync(JsonRpcRequest request, RequestDecision decision, CancellationToken cancellationToken)
    {
        if (decision.Record is not { } record)
        {
            return decision;
        }

        telemetry.Decided(record);
        try
        {
            await audit.RecordAsync(record, cancellationToken).ConfigureAwait(false);
            return decision;
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Refused {Method} on {Server}: its decision could not be recorded: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string server, string reason);
}
