using System.Diagnostics;
using ModelContextProtocol.Client;

namespace Gatehouse.LoadDriver;

/// <summary>Scenario 1: one session per target, one call at a time; what a single agent waits per call.</summary>
internal static class LatencyScenario
{
    /// <param name="SplitHalfSpread">
    /// How far apart the p50 of the target's even rounds and of its odd rounds are, relative to its p50: a noise
    /// floor measured by the run itself, below which differences between targets mean nothing.
    /// </param>
    public sealed record Result(LoadTarget Target, LatencySummary Latency, int Errors, double SplitHalfSpread);

    public static async Task<IReadOnlyList<Result>> RunAsync(IReadOnlyList<LoadTarget> targets, LoadSettings settings,
        Action<string> progress, CancellationToken cancellationToken)
    {
        var clients = new McpClient[targets.Count];
        try
        {
            for (var t = 0; t < targets.Count; t++)
            {
                clients[t] = await targets[t].ConnectAsync(cancellationToken);
            }

            var errors = new int[targets.Count];
            // Warm-up is alternated too, so no target is measured while another is still being compiled.
            for (var t = 0; t < targets.Count; t++)
            {
                for (var i = 0; i < settings.WarmupCalls; i++)
                {
                    await EchoCalls.TryCallAsync(clients[t], cancellationToken);
                }
            }

            // Per target, per round parity (even, odd), so the run can estimate its own noise.
            var samples = targets.Select(_ => new[] { new List<long>(settings.LatencyCalls), new List<long>(settings.LatencyCalls) }).ToArray();
            for (var round = 0; round < settings.LatencyRounds; round++)
            {
                // Rotating the order cancels both slow drift and any advantage of going first or last in a round.
                foreach (var t in RoundOrder(round, targets.Count))
                {
                    for (var i = 0; i < settings.LatencyCallsPerRound; i++)
                    {
                        var start = Stopwatch.GetTimestamp();
                        var ok = await EchoCalls.TryCallAsync(clients[t], cancellationToken);
                        var elapsed = Stopwatch.GetTimestamp() - start;
                        if (ok)
                        {
                            samples[t][round % 2].Add(elapsed);
                        }
                        else
                        {
                            errors[t]++;
                        }
                    }
                }

                progress($"latency round {round + 1}/{settings.LatencyRounds} done");
            }

            return [.. targets.Select((target, t) =>
            {
                var all = LatencySummary.FromTimestamps([.. samples[t][0], .. samples[t][1]]);
                var spread = Math.Abs(LatencySummary.FromTimestamps(samples[t][0]).P50 - LatencySummary.FromTimestamps(samples[t][1]).P50) / all.P50;
                return new Result(target, all, errors[t], spread);
            })];
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null))
            {
                await client.DisposeAsync();
            }
        }
    }

    public static IEnumerable<int> RoundOrder(int round, int count) =>
        Enumerable.Range(0, count).Select(i => (i + round) % count);
}
