using Gatehouse.Policy;

namespace Gatehouse.Decisions;

/// <summary>
/// Counters of one node. A sliding-window counter keeps the times of its admissions still in the window (at most
/// <c>max</c> of them), so never more than <c>max</c> calls are admitted in any interval of the window's length;
/// a smooth counter keeps only the time it next has room.
/// </summary>
/// <remarks>
/// Counters nobody used for a window are dropped by a sweep at most once a minute, so memory follows the keys in
/// use (identities, sessions), not every key ever seen.
/// </remarks>
public sealed class InMemoryCounterStore(TimeProvider time) : ICounterStore
{
    private static readonly TimeSpan s_sweepInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, CounterState> _counters = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    /// <summary>How many counters are held now; what the sweep keeps bounded.</summary>
    internal int Count
    {
        get
        {
            lock (_counters)
            {
                return _counters.Count;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<CounterOutcome> TryConsumeAsync(IReadOnlyList<CounterKey> counters, CancellationToken cancellationToken)
    {
        if (counters.Count == 0)
        {
            return ValueTask.FromResult(CounterOutcome.Admit);
        }

        // One lock for the check and the consumption of all counters: a refused call consumes none.
        lock (_counters)
        {
            var now = time.GetUtcNow();
            SweepIfDue(now);
            foreach (var counter in counters)
            {
                var retryAfter = StateOf(counter).RoomAt(counter.Requirement, now) - now;
                if (retryAfter > TimeSpan.Zero)
                {
                    return ValueTask.FromResult(new CounterOutcome(false, counter.Requirement, retryAfter));
                }
            }

            foreach (var counter in counters)
            {
                StateOf(counter).Admit(counter.Requirement, now);
            }
        }

        return ValueTask.FromResult(CounterOutcome.Admit);
    }

    private CounterState StateOf(CounterKey counter)
    {
        if (!_counters.TryGetValue(counter.Key, out var state))
        {
            state = counter.Requirement.Algorithm == CounterAlgorithm.Smooth ? new SpacedCounter() : new SlidingLog(counter.Requirement.Max);
            _counters[counter.Key] = state;
        }

        return state;
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + s_sweepInterval;
        foreach (var (key, state) in _counters)
        {
            if (state.IsIdle(now))
            {
                _counters.Remove(key);
            }
        }
    }

    private abstract class CounterState
    {
        /// <summary>When the counter has room for one more call: now or earlier when it has room now.</summary>
        public abstract DateTimeOffset RoomAt(CounterRequirement requirement, DateTimeOffset now);

        public abstract void Admit(CounterRequirement requirement, DateTimeOffset now);

        /// <summary>True when the counter would behave the same if it were forgotten.</summary>
        public abstract bool IsIdle(DateTimeOffset now);
    }

    private sealed class SlidingLog(int max) : CounterState
    {
        private readonly Queue<DateTimeOffset> _admissions = new(Math.Min(max, 64));
        private DateTimeOffset _lastLeaves;

        public override DateTimeOffset RoomAt(CounterRequirement requirement, DateTimeOffset now)
        {
            // An admission counts while it is less than a window old.
            while (_admissions.Count > 0 && _admissions.Peek() + requirement.Window <= now)
            {
                _admissions.Dequeue();
            }

            return _admissions.Count < requirement.Max ? now : _admissions.Peek() + requirement.Window;
        }

        public override void Admit(CounterRequirement requirement, DateTimeOffset now)
        {
            _admissions.Enqueue(now);
            _lastLeaves = now + requirement.Window;
        }

        public override bool IsIdle(DateTimeOffset now) => _lastLeaves <= now;
    }

    private sealed class SpacedCounter : CounterState
    {
        private DateTimeOffset _next;

        public override DateTimeOffset RoomAt(CounterRequirement requirement, DateTimeOffset now) => _next;

        public override void Admit(CounterRequirement requirement, DateTimeOffset now) => _next = now + requirement.Spacing;

        public override bool IsIdle(DateTimeOffset now) => _next <= now;
    }
}
