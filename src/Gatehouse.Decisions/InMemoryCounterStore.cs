namespace Gatehouse.Decisions;

/// <summary>
/// Counters of one node, as exact sliding windows: each counter keeps the times of its admissions (at most
/// <c>max</c> of them), so never more than <c>max</c> calls are admitted in any interval of the window's length.
/// </summary>
public sealed class InMemoryCounterStore(TimeProvider time) : ICounterStore
{
    private readonly Dictionary<string, Queue<DateTimeOffset>> _admissions = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<CounterOutcome> TryConsumeAsync(IReadOnlyList<CounterKey> counters, CancellationToken cancellationToken)
    {
        if (counters.Count == 0)
        {
            return ValueTask.FromResult(CounterOutcome.Admit);
        }

        // One lock for the check and the consumption of all counters: a refused call consumes none.
        lock (_admissions)
        {
            var now = time.GetUtcNow();
            foreach (var counter in counters)
            {
                var log = LogOf(counter, now);
                if (log.Count >= counter.Requirement.Max)
                {
                    return ValueTask.FromResult(new CounterOutcome(false, counter.Requirement, log.Peek() + counter.Requirement.Window - now));
                }
            }

            foreach (var counter in counters)
            {
                LogOf(counter, now).Enqueue(now);
            }
        }

        return ValueTask.FromResult(CounterOutcome.Admit);
    }

    private Queue<DateTimeOffset> LogOf(CounterKey counter, DateTimeOffset now)
    {
        if (!_admissions.TryGetValue(counter.Key, out var log))
        {
            log = new Queue<DateTimeOffset>(Math.Min(counter.Requirement.Max, 64));
            _admissions[counter.Key] = log;
        }

        // An admission counts while it is less than a window old.
        while (log.Count > 0 && log.Peek() + counter.Requirement.Window <= now)
        {
            log.Dequeue();
        }

        return log;
    }
}
