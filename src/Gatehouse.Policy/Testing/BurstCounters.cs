namespace Gatehouse.Policy.Testing;

/// <summary>
/// Counts the calls of a cases file as one burst: all at the same instant, so within every window. That
/// needs no clock and makes "the 11th call in a minute" testable exactly.
/// </summary>
internal sealed class BurstCounters
{
    private readonly Dictionary<(string Counter, string Key), int> _used = [];

    /// <summary>Consumes one unit of every counter, or none when any is exhausted (as the gateway does, atomically).</summary>
    public bool TryConsume(IReadOnlyList<CounterRequirement> counters, TestCase call)
    {
        var keys = counters.Select(counter => (Counter: counter, Key: (counter.Name, KeyOf(counter.Scope, call)))).ToList();
        if (keys.Any(entry => _used.GetValueOrDefault(entry.Key) >= AtOneInstant(entry.Counter)))
        {
            return false;
        }
        foreach (var (_, key) in keys)
        {
            _used[key] = _used.GetValueOrDefault(key) + 1;
        }
        return true;
    }

    // A smooth counter spaces its calls apart, so a burst gets exactly one through.
    private static int AtOneInstant(CounterRequirement counter) => counter.Algorithm == CounterAlgorithm.Smooth ? 1 : counter.Max;

    private static string KeyOf(CounterScope scope, TestCase call) => scope switch
    {
        CounterScope.Grant => call.Grant,
        CounterScope.Identity => call.Identity,
        CounterScope.Session => call.Session,
        _ => "",
    };
}
