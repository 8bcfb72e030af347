using BenchmarkDotNet.Attributes;
using Gatehouse.Policy;

namespace Gatehouse.Decisions.Benchmarks;

/// <summary>
/// The in-memory store alone (<see cref="InMemoryCounterStore.TryConsumeAsync"/>): the part of a limit's cost that
/// is counting, without the policy decision around it. Clocks as in <see cref="LimitCostBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class CounterStoreBenchmarks
{
    private static readonly CounterRequirement s_perGrant = new("send_campaign_rate", TimeSpan.FromMinutes(1), 100, CounterScope.Grant);
    private static readonly CounterRequirement s_perIdentity = new("send_campaign_rate_per_identity", TimeSpan.FromMinutes(1), 100, CounterScope.Identity);

    private readonly CounterKey[] _one = [new(s_perGrant, "marketing")];
    private readonly CounterKey[] _two = [new(s_perGrant, "marketing"), new(s_perIdentity, "campaign-agent")];
    private readonly InMemoryCounterStore _admitting = new(new SteppingTime(TimeSpan.FromSeconds(1)));
    private readonly InMemoryCounterStore _refusing = new(new FrozenTime());

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 100; i++)
        {
            _ = _refusing.TryConsumeAsync(_one, default).Result;
        }

        if (!_admitting.TryConsumeAsync(_two, default).Result.Admitted || _refusing.TryConsumeAsync(_one, default).Result.Admitted)
        {
            throw new InvalidOperationException("The benchmark's setup is wrong: a counter admits or refuses against its name.");
        }
    }

    [Benchmark(Description = "one counter, admitted")]
    public ValueTask<CounterOutcome> OneAdmitted() => _admitting.TryConsumeAsync(_one, default);

    [Benchmark(Description = "two counters, admitted")]
    public ValueTask<CounterOutcome> TwoAdmitted() => _admitting.TryConsumeAsync(_two, default);

    [Benchmark(Description = "one counter, refused")]
    public ValueTask<CounterOutcome> OneRefused() => _refusing.TryConsumeAsync(_one, default);
}
