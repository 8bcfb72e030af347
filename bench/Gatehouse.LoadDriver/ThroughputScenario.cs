using System.Diagnostics;
using ModelContextProtocol.Client;

namespace Gatehouse.LoadDriver;

/// <summary>
/// Scenario 2: C clients, each with its own session, calling back to back for a fixed time; how many calls the
/// whole arrangement completes per second, and what each caller waits while it is busy.
/// </summary>
internal static class ThroughputScenario
{
    /// <param name="CpuTime">Processor time of the whole process (client, gateway and server) over the measured slices.</param>
    /// <param name="AllocatedBytes">Bytes the whole process allocated over the measured slices.</param>
    /// <param name="SplitHalfSpread">How far apart the calls/s of the even and the odd rounds are, relative to the whole: the run's own noise floor.</param>
    /// <param name="RetainedBytesPerCall">Managed memory still reachable after a full GC, per call, over an extra untimed slice (NaN when not probed).</param>
    /// <param name="RoundRates">The calls/s of each round, in the order they ran.</param>
    /// <param name="TargetCpuTime">Processor time of the target's own processes over the measured slices, for a target outside this process.</param>
    /// <param name="TargetProcesses">The most processes the target had at the end of a slice, for a target outside this process.</param>
    public sealed record Result(LoadTarget Target, long Calls, int Errors, TimeSpan Elapsed, LatencySummary UnderLoad, TimeSpan CpuTime, long AllocatedBytes,
        double SplitHalfSpread, double RetainedBytesPerCall, IReadOnlyList<double> RoundRates, TimeSpan? TargetCpuTime, int? TargetProcesses)
    {
        public double CallsPerSecond => Calls / Elapsed.TotalSeconds;

        /// <summary>The median round's calls/s: a round slowed by someone else's work on the machine moves it less than the mean.</summary>
        public double MedianRoundRate => RoundRates.Order().ElementAt(RoundRates.Count / 2);

        public double? TargetCpuMicrosPerCall => TargetCpuTime?.TotalMicroseconds / Calls;

        public double CpuMicrosPerCall => CpuTime.TotalMicroseconds / Calls;

        public double KilobytesPerCall => AllocatedBytes / 1024.0 / Calls;
    }

    private sealed record Slice(long Calls, int Errors, TimeSpan Elapsed, List<long> Latencies, TimeSpan CpuTime, long AllocatedBytes, ProcessTree.Sample? Target);

    /// <param name="probeRetention">
    /// Whether to measure the heap a call leaves behind; it tells something only of targets in this process.
    /// </param>
    public static async Task<IReadOnlyList<Result>> RunAsync(IReadOnlyList<LoadTarget> targets, LoadSettings settings,
        Action<string> progress, CancellationToken cancellationToken, bool probeRetention = true)
    {
        var clients = new List<McpClient>[targets.Count];
        try
        {
            for (var t = 0; t < targets.Count; t++)
            {
                clients[t] = [];
                for (var c = 0; c < settings.Clients; c++)
                {
                    clients[t].Add(await targets[t].ConnectAsync(cancellationToken));
                }
            }

            for (var t = 0; t < targets.Count; t++)
            {
                await RunSliceAsync(targets[t], clients[t], settings.ThroughputWarmup, cancellationToken);
            }

            var slices = targets.Select(_ => new List<Slice>()).ToArray();
            for (var round = 0; round < settings.ThroughputRounds; round++)
            {
                foreach (var t in LatencyScenario.RoundOrder(round, targets.Count))
                {
                    slices[t].Add(await RunSliceAsync(targets[t], clients[t], settings.ThroughputSlice, cancellationToken));
                }

                progress($"throughput round {round + 1}/{settings.ThroughputRounds} done");
            }

            // Outside the timed rounds, because a full blocking GC on each side of a slice would distort them: what a
            // call leaves behind that lives on (a session's state, a stored response event) grows a gateway's heap.
            var retained = targets.Select(_ => double.NaN).ToArray();
            for (var t = 0; probeRetention && t < targets.Count; t++)
            {
                var before = GC.GetTotalMemory(forceFullCollection: true);
                var slice = await RunSliceAsync(targets[t], clients[t], settings.ThroughputSlice, cancellationToken);
                retained[t] = (GC.GetTotalMemory(forceFullCollection: true) - before) / (double)Math.Max(1, slice.Calls);
            }

            if (probeRetention)
            {
                progress("retention probe done");
            }

            return [.. targets.Select((target, t) => new Result(
                target,
                slices[t].Sum(s => s.Calls),
                slices[t].Sum(s => s.Errors),
                TimeSpan.FromTicks(slices[t].Sum(s => s.Elapsed.Ticks)),
                LatencySummary.FromTimestamps([.. slices[t].SelectMany(s => s.Latencies)]),
                TimeSpan.FromTicks(slices[t].Sum(s => s.CpuTime.Ticks)),
                slices[t].Sum(s => s.AllocatedBytes),
                SplitHalfSpread(slices[t]),
                retained[t],
                [.. slices[t].Select(s => s.Calls / s.Elapsed.TotalSeconds)],
                targets[t].Processes is null ? null : TimeSpan.FromTicks(slices[t].Sum(s => s.Target!.CpuTime.Ticks)),
                targets[t].Processes is null ? null : slices[t].Max(s => s.Target!.Processes)))];
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null).SelectMany(c => c))
            {
                await client.DisposeAsync();
            }
        }
    }

    private static double SplitHalfSpread(List<Slice> slices)
    {
        static double Rate(IEnumerable<Slice> half) => half.Sum(s => s.Calls) / half.Sum(s => s.Elapsed.TotalSeconds);
        var even = slices.Where((_, i) => i % 2 == 0).ToList();
        var odd = slices.Where((_, i) => i % 2 == 1).ToList();
        return odd.Count == 0 ? double.NaN : Math.Abs(Rate(even) - Rate(odd)) / Rate(slices);
    }

    private static async Task<Slice> RunSliceAsync(LoadTarget target, IReadOnlyList<McpClient> clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        // Only one target is loaded at a time and the others' sessions sit idle, so the process-wide CPU and
        // allocation over a slice are what that target's calls cost, end to end.
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var targetBefore = target.Processes?.Read();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var workers = clients.Select(client => Task.Run(() => WorkAsync(client, deadline, cancellationToken), cancellationToken)).ToArray();
        var results = await Task.WhenAll(workers);
        // Until the last in-flight call returns, not until the deadline: calls that start before the deadline count.
        var elapsed = Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        var targetAfter = target.Processes?.Read();
        var targetUsed = targetAfter is null ? null : targetAfter with { CpuTime = targetAfter.CpuTime - targetBefore!.CpuTime };
        return new Slice(results.Sum(r => (long)r.Latencies.Count), results.Sum(r => r.Errors), elapsed, [.. results.SelectMany(r => r.Latencies)], cpu, allocated,
            targetUsed);
    }

    private static async Task<(List<long> Latencies, int Errors)> WorkAsync(McpClient client, long deadline, CancellationToken cancellationToken)
    {
        var latencies = new List<long>(1024);
        var errors = 0;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var start = Stopwatch.GetTimestamp();
            var ok = await EchoCalls.TryCallAsync(client, cancellationToken);
            var elapsed = Stopwatch.GetTimestamp() - start;
            if (ok)
            {
                latencies.Add(elapsed);
            }
            else
            {
                errors++;
            }
        }

        return (latencies, errors);
    }
}
