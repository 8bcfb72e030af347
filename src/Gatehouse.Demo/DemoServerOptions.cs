namespace Gatehouse.Demo;

/// <summary>Settings of the bundled demo mailing-list server.</summary>
public sealed class DemoServerOptions
{
    /// <summary>SQLite file holding the lists, subscribers, campaigns, templates and outbox; created and seeded when absent.</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Clock stamped on created rows and queued emails; tests substitute their own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
