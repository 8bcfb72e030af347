namespace Gatehouse.Audit;

/// <summary>The audit log as the gateway writes it.</summary>
public interface IAuditLog
{
    /// <summary>
    /// Records <paramref name="record"/> and returns once it is durable. Throws <see cref="AuditUnavailableException"/>
    /// when the store cannot take it. Cancelling stops the wait, not the write.
    /// </summary>
    Task RecordAsync(AuditEvent record, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="record"/> with the next commit, without waiting; a failure is logged.</summary>
    void Post(AuditEvent record);
}

/// <summary>An audit log that records nothing: the operator turned the audit off.</summary>
public sealed class DisabledAuditLog : IAuditLog
{
    public Task RecordAsync(AuditEvent record, CancellationToken cancellationToken) => Task.CompletedTask;

    public void Post(AuditEvent record)
    {
    }
}
