using BenchmarkDotNet.Attributes;
using Gatehouse.Relay;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Decisions.Benchmarks;

/// <summary>
/// What a limit adds to deciding a <c>tools/call</c> (<see cref="PolicyDecisionPoint.DecideAsync"/>), with the
/// counters in memory; the target is under 1 µs (median) per limit.
/// </summary>
/// <remarks>
/// The admit path runs on a clock that moves one second a call against one-minute windows with room for 100:
/// each admission pushes the oldest of 60 out, as a busy counter does, and the window never fills. The refuse path
/// runs on a clock that never moves against a counter already full.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class LimitCostBenchmarks
{
    private readonly JsonRpcRequest _noLimit = BenchmarkGateway.ToolCall(BenchmarkGateway.NoLimit);
    private readonly JsonRpcRequest _oneLimit = BenchmarkGateway.ToolCall(BenchmarkGateway.OneLimit);
    private readonly JsonRpcRequest _twoLimits = BenchmarkGateway.ToolCall(BenchmarkGateway.TwoLimits);
    private BenchmarkGateway _admitting = null!;
    private BenchmarkGateway _refusing = null!;

    [GlobalSetup]
    public void Setup()
    {
        _admitting = new BenchmarkGateway(time => new InMemoryCounterStore(time), new SteppingTime(TimeSpan.FromSeconds(1)), max: 100);
        _refusing = new BenchmarkGateway(time => new InMemoryCounterStore(time), new FrozenTime(), max: 10);
        for (var i = 0; i < 10; i++)
        {
            Expect(_refusing.ForwardedAsync(_oneLimit).AsTask().Result, true);
        }

        // Every case decides as its name says, or the numbers would be of something else.
        Expect(_admitting.ForwardedAsync(_noLimit).AsTask().Result, true);
        Expect(_admitting.ForwardedAsync(_oneLimit).AsTask().Result, true);
        Expect(_admitting.ForwardedAsync(_twoLimits).AsTask().Result, true);
        Expect(_refusing.ForwardedAsync(_oneLimit).AsTask().Result, false);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _admitting.Dispose();
        _refusing.Dispose();
    }

    [Benchmark(Baseline = true, Description = "tools/call, no limit")]
    public ValueTask<RequestDecision> NoLimit() => _admitting.Point.DecideAsync(_admitting.Call, _noLimit, default);

    [Benchmark(Description = "tools/call, one limit, admitted")]
    public ValueTask<RequestDecision> OneLimit() => _admitting.Point.DecideAsync(_admitting.Call, _oneLimit, default);

    [Benchmark(Description = "tools/call, two limits, admitted")]
    public ValueTask<RequestDecision> TwoLimits() => _admitting.Point.DecideAsync(_admitting.Call, _twoLimits, default);

    [Benchmark(Description = "tools/call, one limit, refused")]
    public ValueTask<RequestDecision> OneLimitRefused() => _refusing.Point.DecideAsync(_refusing.Call, _oneLimit, default);

    private static void Expect(bool forwarded, bool expected)
    {
        if (forwarded != expected)
        {
            throw new InvalidOperationException($"The benchmark's setup is wrong: a call was {(forwarded ? "forwarded" : "refused")}.");
        }
    }
}
