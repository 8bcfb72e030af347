using System.Diagnostics;
using System.Globalization;
using Gatehouse.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Audit.Benchmarks;

/// <summary>
/// Writers that each await <see cref="GroupCommitAuditLog.RecordAsync"/> in a loop, as the gateway's calls do,
/// over the store that <see cref="StoreServiceCollectionExtensions.AddGatehouseStore"/> builds.
/// </summary>
internal static class AppendBenchmark
{
    /// <param name="Identities">How many callers the writers' records name: each distinct one in a commit costs an
    /// index page written, so this is what the identity index costs.</param>
    public sealed record Settings(int Writers, int Identities, int WarmupRecords, int Records);

    /// <param name="Verified">Every record was written once, numbered without a gap, in a chain that verifies.</param>
    public sealed record Result(
        string Store,
        Settings Settings,
        TimeSpan Elapsed,
        TimeSpan CpuTime,
        Percentiles LatencyMicroseconds,
        Percentiles CommitRecords,
        Percentiles CommitMicroseconds,
        int Commits,
        bool Verified,
        string? Problem)
    {
        public double RecordsPerSecond => Settings.Records / Elapsed.TotalSeconds;

        /// <summary>The whole process's processor time over the measured records (writers, group commit and store alike).</summary>
        public double CpuMicrosecondsPerRecord => CpuTime.TotalMicroseconds / Settings.Records;
    }

    // A decision as the gateway records it before a call runs, with arguments of a typical size.
    private static AuditEvent Event(int writer, int identities, int number) => new()
    {
        Time = DateTimeOffset.UtcNow,
        Kind = AuditKinds.Decision,
        Identity = $"agent-{writer % identities}",
        Grant = "marketing",
        Server = "listmonk",
        Session = $"session-{writer}",
        RequestId = number.ToString(CultureInfo.InvariantCulture),
        Method = "tools/call",
        Target = "send_campaign",
        Arguments = """{"list_ids":[3,7],"subject":"Spring sale","template_id":2,"body":"[redacted]","send_at":"2030-04-01T09:00:00Z"}""",
        Decision = AuditDecisions.Allow,
        Rule = "tools.send_campaign",
    };

    public static async Task<Result> RunAsync(string name, Action<StoreOptions> configure, Settings settings, Action<string> progress,
        CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddConsole().SetMinimumLevel(LogLevel.Warning))
            .AddGatehouseStore(configure)
            .BuildServiceProvider();
        var store = new CommitRecordingStore(services.GetRequiredService<IAuditStore>());
        await services.GetRequiredService<IStoreMigrator>().MigrateAsync(cancellationToken);

        TimeSpan elapsed, cpu;
        long[] latencies;
        await using (var log = new GroupCommitAuditLog(store, services.GetRequiredService<ILogger<GroupCommitAuditLog>>()))
        {
            await WriteAsync(log, settings, settings.WarmupRecords, cancellationToken);
            progress($"{name}: {settings.WarmupRecords} warm-up records written");
            store.Clear();

            latencies = new long[settings.Records];
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await WriteAsync(log, settings, settings.Records, cancellationToken, latencies);
            elapsed = clock.Elapsed;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            progress($"{name}: {settings.Records} records in {elapsed.TotalSeconds:0.00} s");
        }

        var (verified, problem) = await VerifyAsync(store, settings.WarmupRecords + settings.Records, cancellationToken);
        progress($"{name}: {(verified ? "verified" : "NOT verified: " + problem)}");
        return new Result(name, settings, elapsed, cpu,
            Percentiles.Of(latencies.Select(TicksToMicroseconds)),
            Percentiles.Of(store.Commits.Select(c => (double)c.Records)),
            Percentiles.Of(store.Commits.Select(c => TicksToMicroseconds(c.Ticks))),
            store.Commits.Count, verified, problem);
    }

    private static Task WriteAsync(GroupCommitAuditLog log, Settings settings, int records, CancellationToken cancellationToken,
        long[]? latencies = null)
    {
        var remaining = records;
        return Task.WhenAll(Enumerable.Range(0, settings.Writers).Select(writer => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) is var ticket and >= 0)
            {
                var start = Stopwatch.GetTimestamp();
                await log.RecordAsync(Event(writer, settings.Identities, ticket), cancellationToken);
                if (latencies is not null)
                {
                    latencies[ticket] = Stopwatch.GetTimestamp() - start;
                }
            }
        }, cancellationToken)));
    }

    private static async Task<(bool Verified, string? Problem)> VerifyAsync(IAuditStore store, int expected, CancellationToken cancellationToken)
    {
        var verification = await AuditVerifier.VerifyAsync(null, store.ReadAsync(0, cancellationToken),
            new CheckpointSigner(new byte[32]), cancellationToken);
        if (!verification.Intact)
        {
            return (false, verification.Problem);
        }

        return verification.Checked == expected && verification.HeadSequence == expected
            ? (true, null)
            : (false, $"{verification.Checked} records up to {verification.HeadSequence}, not {expected}");
    }

    private static double TicksToMicroseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

/// <summary>Nearest-rank percentiles, so that each one is a value that was actually observed.</summary>
internal sealed record Percentiles(double Mean, double P50, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? new Percentiles(double.NaN, double.NaN, double.NaN, double.NaN)
            : new Percentiles(sorted.Average(), Rank(sorted, 50), Rank(sorted, 99), sorted[^1]);
    }

    private static double Rank(double[] sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
