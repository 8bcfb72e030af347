using Gatehouse.Policy;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Decisions.Tests.Counters;

/// <summary>
/// What every <see cref="ICounterStore"/> must guarantee: never more than <c>max</c> admissions in any interval of
/// the window's length, all counters of a call or none. Each store runs it through a subclass.
/// </summary>
public abstract class CounterStoreContract
{
    private static readonly CounterRequirement s_tenAMinute = new("send_campaign_rate", TimeSpan.FromMinutes(1), 10, CounterScope.Grant);

    // A scope value of its own per test, so tests sharing one Redis never see each other's counters.
    private readonly string _scope = $"test-{Guid.NewGuid():N}";

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    protected abstract ICounterStore CreateStore();

    [Fact]
    public async Task Admits_max_calls_and_refuses_the_next_with_when_to_retry()
    {
        var store = CreateStore();
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await Consume(store, s_tenAMinute)).Admitted);
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        var refused = await Consume(store, s_tenAMinute);

        Assert.False(refused.Admitted);
        Assert.Equal(s_tenAMinute, refused.Full);
        Assert.Equal(TimeSpan.FromSeconds(50), refused.RetryAfter);
    }

    [Fact]
    public async Task The_window_slides_so_no_interval_of_its_length_admits_more_than_max()
    {
        var store = CreateStore();
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await Consume(store, s_tenAMinute)).Admitted);
        }

        // A fixed window would admit ten more right after a boundary; a sliding one must not.
        Time.Advance(TimeSpan.FromSeconds(59.999));
        var refused = await Consume(store, s_tenAMinute);
        Assert.False(refused.Admitted);
        Assert.Equal(TimeSpan.FromMilliseconds(1), refused.RetryAfter);

        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await Consume(store, s_tenAMinute)).Admitted);
    }

    [Fact]
    public async Task A_call_naming_several_counters_consumes_all_or_none()
    {
        var store = CreateStore();
        var perMinute = new CounterRequirement("a", TimeSpan.FromMinutes(1), 5, CounterScope.Global);
        var perHour = new CounterRequirement("b", TimeSpan.FromHours(1), 1, CounterScope.Global);
        Assert.True((await Consume(store, perMinute, perHour)).Admitted);

        var refused = await Consume(store, perMinute, perHour);

        Assert.False(refused.Admitted);
        Assert.Equal("b", refused.Full!.Name);
        // The refused call left the per-minute budget as it was: four more fit.
        for (var i = 0; i < 4; i++)
        {
            Assert.True((await Consume(store, perMinute)).Admitted);
        }

        Assert.False((await Consume(store, perMinute)).Admitted);
    }

    [Fact]
    public async Task Scope_values_count_apart_and_same_named_counters_share_a_budget()
    {
        var store = CreateStore();
        var oneEach = new CounterRequirement("shared", TimeSpan.FromMinutes(1), 1, CounterScope.Identity);
        // Another rule's counter of the same name and scope: the same budget.
        var sameName = oneEach with { Window = TimeSpan.FromMinutes(1) };

        Assert.True((await store.TryConsumeAsync([new CounterKey(oneEach, $"{_scope}-alice")], default)).Admitted);
        Assert.True((await store.TryConsumeAsync([new CounterKey(oneEach, $"{_scope}-bob")], default)).Admitted);
        Assert.False((await store.TryConsumeAsync([new CounterKey(oneEach, $"{_scope}-alice")], default)).Admitted);
        Assert.False((await store.TryConsumeAsync([new CounterKey(sameName, $"{_scope}-bob")], default)).Admitted);
    }

    [Fact]
    public async Task Concurrent_callers_get_exactly_max_admissions()
    {
        var store = CreateStore();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await Consume(store, s_tenAMinute))));

        Assert.Equal(10, outcomes.Count(o => o.Admitted));
    }

    [Fact]
    public async Task A_smooth_counter_spaces_calls_a_window_over_max_apart()
    {
        var store = CreateStore();
        var smooth = s_tenAMinute with { Algorithm = CounterAlgorithm.Smooth };
        Assert.True((await Consume(store, smooth)).Admitted);

        var refused = await Consume(store, smooth);
        Assert.False(refused.Admitted);
        Assert.Equal(TimeSpan.FromSeconds(6), refused.RetryAfter);

        Time.Advance(TimeSpan.FromSeconds(5.999));
        Assert.False((await Consume(store, smooth)).Admitted);
        Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True((await Consume(store, smooth)).Admitted);
    }

    [Fact]
    public async Task A_smooth_counter_never_admits_more_than_max_in_a_window()
    {
        var store = CreateStore();
        var smooth = s_tenAMinute with { Algorithm = CounterAlgorithm.Smooth };
        var admitted = new List<DateTimeOffset>();
        for (var step = 0; step < 600; step++)
        {
            if ((await Consume(store, smooth)).Admitted)
            {
                admitted.Add(Time.GetUtcNow());
            }

            Time.Advance(TimeSpan.FromMilliseconds(700));
        }

        Assert.All(admitted, start => Assert.InRange(admitted.Count(t => t >= start && t < start + smooth.Window), 1, smooth.Max));
    }

    [Fact]
    public async Task Concurrent_callers_of_a_smooth_counter_get_one_admission()
    {
        var store = CreateStore();
        var smooth = s_tenAMinute with { Algorithm = CounterAlgorithm.Smooth };
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(async () => await Consume(store, smooth))));

        Assert.Equal(1, outcomes.Count(o => o.Admitted));
    }

    [Fact]
    public async Task A_smooth_and_a_sliding_counter_of_one_name_keep_budgets_of_their_own()
    {
        // A policy edit may change a counter's algorithm; the old state must not be read as the new kind.
        var store = CreateStore();
        Assert.True((await Consume(store, s_tenAMinute)).Admitted);
        Assert.True((await Consume(store, s_tenAMinute with { Algorithm = CounterAlgorithm.Smooth })).Admitted);
        Assert.True((await Consume(store, s_tenAMinute)).Admitted);
    }

    private async Task<CounterOutcome> Consume(ICounterStore store, params CounterRequirement[] counters) =>
        await store.TryConsumeAsync([.. counters.Select(c => new CounterKey(c, _scope))], default);
}
