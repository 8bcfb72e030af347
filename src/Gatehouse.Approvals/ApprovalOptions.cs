namespace Gatehouse.Approvals;

/// <summary>How a held call waits.</summary>
public sealed class ApprovalOptions
{
    /// <summary>How often a waiter looks at the store for a decision made on another replica or from the command line.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a waiting client that asked for progress hears that its call is still held, so that it does not give up silently.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);
}
