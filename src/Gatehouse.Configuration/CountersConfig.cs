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

    /// <summary>The default of <see cref="Timeout"/>: no call waits on Redis much longer than this.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a rate-limited call may wait for Redis (to connect, or to answer) before the counters count as
    /// unavailable for that call.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;
}
