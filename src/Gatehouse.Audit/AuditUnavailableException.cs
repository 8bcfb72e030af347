namespace Gatehouse.Audit;

/// <summary>
/// The audit log cannot take or give records. A call whose decision cannot be recorded is refused (fail closed)
/// unless the operator chose to let calls through unrecorded.
/// </summary>
public sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException()
    {
    }

    public AuditUnavailableException(string message)
        : base(message)
    {
    }

    public AuditUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
