namespace Gatehouse.Audit;

/// <summary>Which records to list, newest first; every filter that is set must match.</summary>
public sealed record AuditQuery
{
    /// <summary>The most records one page holds.</summary>
    public const int MaxLimit = 1000;

    public string? Identity { get; init; }

    /// <summary>The tool, resource uri or prompt.</summary>
    public string? Target { get; init; }

    public string? Decision { get; init; }

    public string? Server { get; init; }

    public string? Grant { get; init; }

    public string? Kind { get; init; }

    /// <summary>Records at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Records before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only records numbered below this: the <see cref="AuditPage.NextBefore"/> of the previous page.</summary>
    public long? Before { get; init; }

    /// <summary>How many records, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = 100;
}

/// <summary>One page of <see cref="AuditQuery"/> results, newest first.</summary>
/// <param name="Records">The records.</param>
/// <param name="NextBefore">Pass as <see cref="AuditQuery.Before"/> for the next (older) page; null when this was the last.</param>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, long? NextBefore);

/// <summary>What <see cref="IAuditStore.PruneAsync"/> did.</summary>
/// <param name="Pruned">How many records it removed.</param>
/// <param name="Checkpoint">The checkpoint the kept chain now starts from; null when nothing was pruned.</param>
public sealed record AuditPruneResult(long Pruned, AuditCheckpoint? Checkpoint);
