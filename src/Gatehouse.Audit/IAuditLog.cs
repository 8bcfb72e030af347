namespace Gatehouse.Audit;

/// <summary>The audit log as the gateway writes it.</summary>
public interface IAuditLog
{
    /// <summary>
    /// Records <paramref name="record"/> and returns once the store has taken it: written, so every reader sees it and a
    /// crash of Gatehouse keeps it. Its <see cref="AuditWrite.OnDisk"/> completes once it would survive a power cut too.
    /// Throws <see cref="AuditUnavailableException"/> when the store cannot take it. Cancelling stops the wait, not the write.
    /// </summary>
    Task<AuditWrite> WriteAsync(AuditEvent record, CancellationToken cancellationToken);

    /// <summary>
    /// Records <paramref name="record"/> and returns once it is on disk. Throws <see cref="AuditUnavailableException"/>
    /// when the store cannot take it. Cancelling stops the wait, not the write.
    /// </summary>
    Task RecordAsync(AuditEvent record, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="record"/> with the next commit, without waiting; a failure is logged.</summary>
    void Post(AuditEvent record);

    /// <summary>
    /// Completes once every record <see cref="WriteAsync"/> has returned so far is on disk; faults with
    /// <see cref="AuditUnavailableException"/> as the flush that should have put the newest of them there did.
    /// </summary>
    Task OnDisk { get; }
}

/// <summary>A record the audit store has taken.</summary>
/// <param name="OnDisk">
/// Completes once the record is on disk; faults with <see cref="AuditUnavailableException"/> when it could not be put there.
/// </param>
public readonly record struct AuditWrite(Task OnDisk)
{
    /// <summary>A record that is on disk as soon as it is written (or that nothing will ever write).</summary>
    public static AuditWrite Done { get; } = new(Task.CompletedTask);
}

/// <summary>An audit log that records nothing: the operator turned the audit off.</summary>
public sealed class DisabledAuditLog : IAuditLog
{
    public Task<AuditWrite> WriteAsync(AuditEvent record, CancellationToken cancellationToken) => Task.FromResult(AuditWrite.Done);

    public Task RecordAsync(AuditEvent record, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task OnDisk => Task.CompletedTask;

    public void Post(AuditEvent record)
    {
    }
}
