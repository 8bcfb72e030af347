using Gatehouse.Policy;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Decisions.Tests.Counters;

/// <summary>What only the in-memory store has: memory that follows the counters in use.</summary>
public sealed class InMemoryCounterStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(CounterAlgorithm.SlidingWindow)]
    [InlineData(CounterAlgorithm.Smooth)]
    public async Task Counters_idle_for_a_window_are_forgotten(CounterAlgorithm algorithm)
    {
        var store = new InMemoryCounterStore(_time);
        var perSession = new CounterRequirement("calls", TimeSpan.FromMinutes(1), 10, CounterScope.Session, algorithm);
        for (var session = 0; session < 1000; session++)
        {
            await store.TryConsumeAsync([new CounterKey(perSession, $"session-{session}")], default);
        }

        Assert.Equal(1000, store.Count);

        // Still in the window: every counter holds budget it must keep.
        _time.Advance(TimeSpan.FromSeconds(59));
        await store.TryConsumeAsync([new CounterKey(perSession, "another")], default);
        Assert.Equal(1001, store.Count);

        _time.Advance(TimeSpan.FromMinutes(1));
        await store.TryConsumeAsync([new CounterKey(perSession, "last")], default);
        Assert.Equal(1, store.Count);
    }
}
