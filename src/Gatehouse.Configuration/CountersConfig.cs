namespace Gatehouse.Configuration;

/// <summary>Where rate-limit counters live: in memory (one node), or in Redis shared by several replicas.</summary>
public sealed record CountersConfig
{
    /// <summary>A StackExchange.Redis configuration string (e.g. <c>redis:6379,password=...</c>); null keeps counters in memory.</summary>
    public string? Redis { get; init; }

    /// <summary>
    /// When the counters cannot be reached: false (the default) refuses calls that a limit applies to;
    /// true lets them through uncounted.
    /// </summary>
    public bool FailOpen { get; init; }
}
