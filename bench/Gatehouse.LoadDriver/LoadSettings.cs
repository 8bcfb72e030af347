namespace Gatehouse.LoadDriver;

/// <summary>How much load to drive. Every loop of the driver is bounded by one of these counts or durations.</summary>
internal sealed record LoadSettings
{
    /// <summary>Sequential calls per target before any is measured, so JIT, connection pools and caches are warm.</summary>
    public required int WarmupCalls { get; init; }

    /// <summary>
    /// Rounds the latency measurement is split into; targets take turns within each round, in a rotating order.
    /// Short turns track drift closely; a multiple of the target count gives each target every position equally.
    /// </summary>
    public required int LatencyRounds { get; init; }

    /// <summary>Rounds the throughput measurement is split into, as for latency.</summary>
    public required int ThroughputRounds { get; init; }

    /// <summary>Measured sequential calls per target (split evenly over the rounds).</summary>
    public required int LatencyCalls { get; init; }

    /// <summary>Concurrent clients, each with its own session, in the throughput scenario.</summary>
    public required int Clients { get; init; }

    /// <summary>Measured throughput time per target (split evenly over the rounds).</summary>
    public required TimeSpan ThroughputDuration { get; init; }

    /// <summary>Unmeasured concurrent load per target before the throughput rounds.</summary>
    public required TimeSpan ThroughputWarmup { get; init; }

    public required bool Quick { get; init; }

    public int LatencyCallsPerRound => Math.Max(1, LatencyCalls / LatencyRounds);

    public TimeSpan ThroughputSlice => ThroughputDuration / ThroughputRounds;

    public static LoadSettings Full(int clients, TimeSpan duration, int calls) => new()
    {
        WarmupCalls = 1000,
        LatencyRounds = 15,
        ThroughputRounds = 10,
        LatencyCalls = calls,
        Clients = clients,
        ThroughputDuration = duration,
        ThroughputWarmup = TimeSpan.FromSeconds(1),
        Quick = false,
    };

    /// <summary>A smoke run: enough to see that every target works and the report is written, not to quote numbers.</summary>
    public static LoadSettings QuickRun(int clients) => new()
    {
        WarmupCalls = 200,
        LatencyRounds = 5,
        ThroughputRounds = 5,
        LatencyCalls = 400,
        Clients = clients,
        ThroughputDuration = TimeSpan.FromSeconds(1),
        ThroughputWarmup = TimeSpan.FromMilliseconds(300),
        Quick = true,
    };
}
