namespace Gatehouse.Policy;

/// <summary>
/// A rate-limit counter a call must consume before it runs: never more than <paramref name="Max"/> calls
/// admitted in any interval of length <paramref name="Window"/>, per <paramref name="Scope"/>, spent as
/// <paramref name="Algorithm"/> says. Counters with the same name are one budget, whichever rule names them.
/// </summary>
public sealed record CounterRequirement(string Name, TimeSpan Window, int Max, CounterScope Scope,
    CounterAlgorithm Algorithm = CounterAlgorithm.SlidingWindow)
{
    /// <summary>For <see cref="CounterAlgorithm.Smooth"/>, the least time between two admissions.</summary>
    public TimeSpan Spacing => Window / Max;
}
