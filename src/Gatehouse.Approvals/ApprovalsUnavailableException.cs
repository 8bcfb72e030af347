namespace Gatehouse.Approvals;

/// <summary>The approval store cannot be reached: a call that needs approval cannot be held, so it is refused.</summary>
public sealed class ApprovalsUnavailableException : Exception
{
    public ApprovalsUnavailableException()
    {
    }

    public ApprovalsUnavailableException(string message)
        : base(message)
    {
    }

    public ApprovalsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
