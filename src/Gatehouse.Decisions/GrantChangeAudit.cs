using Gatehouse.Audit;

namespace Gatehouse.Decisions;

/// <summary>How a change an operator makes to a grant's files (its policy, its test cases) is recorded in the audit log.</summary>
internal static class GrantChangeAudit
{
    /// <summary>Records that <paramref name="by"/> changed <paramref name="file"/> of <paramref name="grant"/>, as an admin event.</summary>
    public static Task RecordChangeAsync(this IAuditLog audit, TimeProvider time, GrantPolicy grant, string by, string decision, string file,
        string reason, CancellationToken cancellationToken) =>
        audit.RecordAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.Admin,
            Identity = by,
            Server = grant.Grant.Server,
            Grant = grant.Grant.Id,
            Decision = decision,
            Target = Path.GetFileName(file),
            Reason = reason,
        }, cancellationToken);
}
