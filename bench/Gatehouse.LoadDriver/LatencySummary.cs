using System.Diagnostics;

namespace Gatehouse.LoadDriver;

/// <summary>Percentiles of a set of call latencies, in microseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max)
{
    public static LatencySummary FromTimestamps(IReadOnlyCollection<long> elapsedTicks)
    {
        if (elapsedTicks.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = elapsedTicks.Order().ToArray();
        return new LatencySummary(sorted.Length, Micros(Rank(sorted, 50)), Micros(Rank(sorted, 90)), Micros(Rank(sorted, 99)), Micros(sorted[^1]));
    }

    // Nearest rank, so a reported percentile is always a latency that was actually observed.
    private static long Rank(long[] sorted, double percentile)
    {
        var index = (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)];
    }

    private static double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}
