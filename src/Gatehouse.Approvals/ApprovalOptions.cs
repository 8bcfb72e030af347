namespace Gatehouse.Approvals;

/// <summary>How a held call waits.</summary>
public sealed class ApprovalOptions
{
    /// <summary>How often a waiter looks at the store for a decision made on another replica or from the command line.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often a waiting client that asked for progress hears that its call is still held, so that it does not give up silently.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an approved call may wait to run before it expires. Its waiter runs it as soon as it sees the approval
    /// (within <see cref="PollInterval"/>), so one not run by then never will be: its caller went away, its session
    /// ended, or it was refused when it came to run (a rate limit).
    /// </summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
