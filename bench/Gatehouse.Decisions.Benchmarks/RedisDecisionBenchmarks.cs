using BenchmarkDotNet.Attributes;
using Gatehouse.Decisions.Redis;
using Gatehouse.Relay;
using ModelContextProtocol.Protocol;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Benchmarks;

/// <summary>
/// A decision with its counters in the local test Redis: for information, since it is one round trip to
/// wherever Redis runs (that it is exactly one is counted, not timed: <c>redis-commands</c>, and the store's tests).
/// </summary>
/// <remarks>
/// Admissions: the clock moves one second a call against one-minute windows with room for 100, so each counter
/// keeps about 60 entries. Refusals: a frozen clock against a counter already full (Redis expires the key a real
/// minute after its last admission, after which ten calls are admitted again, a small share of a run).
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class RedisDecisionBenchmarks
{
    private readonly JsonRpcRequest _noLimit = BenchmarkGateway.ToolCall(BenchmarkGateway.NoLimit);
    private readonly JsonRpcRequest _oneLimit = BenchmarkGateway.ToolCall(BenchmarkGateway.OneLimit);
    private readonly JsonRpcRequest _twoLimits = BenchmarkGateway.ToolCall(BenchmarkGateway.TwoLimits);
    private ConnectionMultiplexer _redis = null!;
    private BenchmarkGateway _admitting = null!;
    private BenchmarkGateway _refusing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _redis = BenchmarkRedis.Connect();
        var prefix = BenchmarkRedis.RunPrefix();
        _admitting = new BenchmarkGateway(time => new RedisCounterStore(_redis, time), new SteppingTime(TimeSpan.FromSeconds(1)), max: 100, prefix);
        _refusing = new BenchmarkGateway(time => new RedisCounterStore(_redis, time), new FrozenTime(), max: 10, prefix);
        for (var i = 0; i < 10; i++)
        {
            _ = _refusing.ForwardedAsync(_oneLimit).AsTask().Result;
        }

        if (!_admitting.ForwardedAsync(_oneLimit).AsTask().Result || !_admitting.ForwardedAsync(_twoLimits).AsTask().Result
            || _refusing.ForwardedAsync(_oneLimit).AsTask().Result)
        {
            throw new InvalidOperationException("The benchmark's setup is wrong: a call was decided against its name.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _admitting.Dispose();
        _refusing.Dispose();
        _redis.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Redis: tools/call, no limit")]
    public ValueTask<RequestDecision> NoLimit() => _admitting.Point.DecideAsync(_admitting.Call, _noLimit, default);

    [Benchmark(Description = "Redis: tools/call, one limit, admitted")]
    public ValueTask<RequestDecision> OneLimit() => _admitting.Point.DecideAsync(_admitting.Call, _oneLimit, default);

    [Benchmark(Description = "Redis: tools/call, two limits, admitted")]
    public ValueTask<RequestDecision> TwoLimits() => _admitting.Point.DecideAsync(_admitting.Call, _twoLimits, default);

    [Benchmark(Description = "Redis: tools/call, one limit, refused")]
    public ValueTask<RequestDecision> OneLimitRefused() => _refusing.Point.DecideAsync(_refusing.Call, _oneLimit, default);
}
