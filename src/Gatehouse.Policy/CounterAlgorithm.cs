namespace Gatehouse.Policy;

/// <summary>How a counter spends its budget over the window.</summary>
public enum CounterAlgorithm
{
    /// <summary>
    /// The default: an exact sliding window. Up to <c>max</c> calls at once, and never more than <c>max</c> in any
    /// interval of the window's length. Keeps the time of each admission still in the window (up to <c>max</c>).
    /// </summary>
    SlidingWindow,

    /// <summary>
    /// Calls spaced evenly: at most one every <c>window / max</c>, so no burst, and so also never more than
    /// <c>max</c> in any window. Keeps one time per counter, whatever <c>max</c> is.
    /// </summary>
    Smooth,
}
