using System.Globalization;
using System.Text;

namespace Gatehouse.LoadDriver;

/// <summary>Writes bench/results/gateway-load.md: ratios within the run first, the absolute numbers beside them.</summary>
internal static class MarkdownReport
{
    public const string ReproduceCommand = "dotnet run -c Release --project bench/Gatehouse.LoadDriver";

    public sealed record Inputs(
        RunEnvironment Environment,
        string Command,
        LoadSettings Settings,
        LoadTargets Targets,
        IReadOnlyList<LoadTarget> Measured,
        IReadOnlyList<SanityChecks.Check> Checks,
        IReadOnlyList<LatencyScenario.Result> Latency,
        IReadOnlyList<ThroughputScenario.Result> Throughput,
        TimeSpan RunTime,
        string LoadAverageAfter);

    public static string Render(Inputs run)
    {
        var s = run.Settings;
        var md = new StringBuilder();
        md.AppendLine("# Gateway load: what Gatehouse costs an agent");
        md.AppendLine();
        md.AppendLine("Reproduce from the repository root (add `-- --quick` for a ~15 s smoke run, `-- --help` for the options):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(ReproduceCommand);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("Every target is measured in the same process run, taking turns, so the **ratios** below are the result.");
        md.AppendLine("Absolute times depend on the machine and on whatever else it was doing; do not compare them across runs.");
        run.Environment.WriteRunStart(md, s.Quick, run.Command, run.RunTime);
        RunEnvironment.WriteRow(md, ".NET", $"{run.Environment.Runtime}, {run.Environment.Configuration} build, GC {run.Environment.GarbageCollector}");
        RunEnvironment.WriteRow(md, "Load average before / after", $"{run.Environment.LoadAverageBefore} / {run.LoadAverageAfter}");
        RunEnvironment.WriteRow(md, "Settings", $"{s.WarmupCalls} warm-up calls per target; {s.LatencyCallsPerRound * s.LatencyRounds} measured sequential calls per target in {s.LatencyRounds} alternating rounds; " +
            $"{s.Clients} concurrent clients for {s.ThroughputDuration.TotalSeconds:0.##} s per target in {s.ThroughputRounds} alternating rounds");

        md.AppendLine();
        md.AppendLine("## Setup");
        md.AppendLine();
        md.AppendLine("Everything runs in this one process, on 127.0.0.1: the test MCP server (`tests/Gatehouse.TestServer`, the C# SDK");
        md.AppendLine("over Streamable HTTP), real gateways (`tests/Gatehouse.Testing`'s `RunningGateway`, i.e. `GatewayApplication` on");
        md.AppendLine("Kestrel, with an HTTP upstream), and the clients (the SDK's `McpClient`, protocol 2025-11-25, one session each).");
        md.AppendLine(CultureInfo.InvariantCulture, $"Every call is `tools/call echo` with a {EchoCalls.Message.Length}-character message. Client, gateway and server share the same cores, so");
        md.AppendLine("the gateway's CPU time also slows the two ends; that is part of what a co-located gateway costs.");
        md.AppendLine();
        md.AppendLine("| Target | What it is |");
        md.AppendLine("|---|---|");
        foreach (var target in run.Measured)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target.Name} | {target.Description} |");
        }

        md.AppendLine();
        md.AppendLine("The enforced policy (a counter that cannot run out during a run, and an argument condition every measured call passes):");
        md.AppendLine();
        md.AppendLine("```json");
        md.AppendLine(LoadTargets.EnforcedPolicy.TrimEnd());
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("Method: a warm-up per target, then the measurement split into rounds; in each round every target takes its turn,");
        md.AppendLine("in an order that rotates from round to round, so drift (thermal, other load, GC growth) falls on all targets alike.");
        md.AppendLine("Latencies are wall-clock times of `CallToolAsync` as the agent sees them; percentiles are nearest-rank.");

        var direct = run.Latency[0];
        md.AppendLine();
        md.AppendLine("## 1. Sequential latency (one session, one call at a time)");
        md.AppendLine();
        md.AppendLine("| Target | Calls | p50 µs | p90 µs | p99 µs | max µs | p50 ratio | p99 ratio | Errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in run.Latency)
        {
            var l = r.Latency;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Target.Name} | {l.Count} | {l.P50:0} | {l.P90:0} | {l.P99:0} | {l.Max:0} | {Ratio(l.P50, direct.Latency.P50)} | {Ratio(l.P99, direct.Latency.P99)} | {r.Errors} |");
        }

        var noisiest = run.Latency.MaxBy(r => double.IsFinite(r.SplitHalfSpread) ? r.SplitHalfSpread : double.MaxValue)!;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Noise floor of this run: the p50 of a target's even rounds and of its odd rounds differ by up to {noisiest.SplitHalfSpread:0%} ({noisiest.Target.Name});");
        md.AppendLine("differences between targets smaller than that are not resolved by this run.");
        md.AppendLine();
        md.AppendLine("Ratios are the target's over direct's. What the gateway adds to one call, at p50:");
        md.AppendLine();
        foreach (var r in run.Latency.Skip(1))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Target.Name}: +{r.Latency.P50 - direct.Latency.P50:0} µs");
        }

        var directThroughput = run.Throughput[0];
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## 2. Throughput ({s.Clients} concurrent clients)");
        md.AppendLine();
        md.AppendLine("| Target | Calls | Seconds | Calls/s | Ratio | p50 µs under load | p99 µs under load | CPU µs/call | KB alloc/call | KB retained/call | Errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in run.Throughput)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Target.Name} | {r.Calls} | {r.Elapsed.TotalSeconds:0.0} | {r.CallsPerSecond:0} | {Ratio(r.CallsPerSecond, directThroughput.CallsPerSecond)} | {r.UnderLoad.P50:0} | {r.UnderLoad.P99:0} | {r.CpuMicrosPerCall:0} | {r.KilobytesPerCall:0.0} | {r.RetainedBytesPerCall / 1024:0.00} | {r.Errors} |");
        }

        var noisiestThroughput = run.Throughput.MaxBy(r => double.IsFinite(r.SplitHalfSpread) ? r.SplitHalfSpread : double.MaxValue)!;
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Noise floor: the calls/s of a target's even rounds and of its odd rounds differ by up to {noisiestThroughput.SplitHalfSpread:0%} ({noisiestThroughput.Target.Name}).");
        md.AppendLine();
        md.AppendLine("Ratio is the target's calls/s over direct's (below 1: the gateway lowers what the machine can serve). CPU and");
        md.AppendLine("allocation are the whole process's (client + gateway + server) per completed call, so a gateway row minus the");
        md.AppendLine("direct row is what the gateway itself spends on a call. Retained is the growth of the managed heap after a full");
        md.AppendLine("GC, per call, over one extra untimed slice per target: memory a call leaves behind that is still reachable.");

        var withDecisionCost = run.Measured.Contains(run.Targets.AllowAll);
        if (withDecisionCost)
        {
            md.AppendLine();
            md.AppendLine("## 3. The cost of a real decision");
            md.AppendLine();
            md.AppendLine("Enforced and allow-all are one gateway and one upstream; only the grant's policy differs. Allow-all against the");
            md.AppendLine("relay-only gateway is what the policy decision point costs when its policy decides nothing:");
            md.AppendLine();
            ComparisonHeader(md);
            Compare(md, "enforced / allow-all", run, run.Targets.Enforced, run.Targets.AllowAll);
            Compare(md, "allow-all / relay only", run, run.Targets.AllowAll, run.Targets.Relay);
            Compare(md, "enforced / relay only", run, run.Targets.Enforced, run.Targets.Relay);
            md.AppendLine();
            md.AppendLine("And what the relay's resumable-stream store (every response event kept in memory for the resume window,");
            md.AppendLine("5 minutes by default) costs, against the same relay with it turned off:");
            md.AppendLine();
            ComparisonHeader(md);
            Compare(md, "relay only / relay only, no resume store", run, run.Targets.Relay, run.Targets.Bare);
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {(withDecisionCost ? 4 : 3)}. The cost of the audit log");
        md.AppendLine();
        md.AppendLine("Every decision is written durably (SQLite, group commit, fsync per commit) before the call goes on, and every");
        md.AppendLine("answer is recorded after it. The same policy with the audit log turned off, in the same run, and with");
        md.AppendLine("`store.sqliteSync` `normal` (each commit written to the operating system before the call goes on, flushed to");
        md.AppendLine("the disk at checkpoints: it survives a crash of Gatehouse, not a power cut):");
        md.AppendLine();
        ComparisonHeader(md);
        Compare(md, "enforced / enforced, audit off", run, run.Targets.Enforced, run.Targets.Unaudited);
        Compare(md, "enforced, sqliteSync normal / enforced, audit off", run, run.Targets.NormalSync, run.Targets.Unaudited);
        if (run.Measured.Contains(run.Targets.Discarding))
        {
            Compare(md, "enforced, audit store keeps nothing / enforced, audit off", run, run.Targets.Discarding, run.Targets.Unaudited);
        }

        AppendChecks(md, run.Checks, run.Latency.Sum(r => r.Errors) + run.Throughput.Sum(r => r.Errors));
        return md.ToString();
    }

    private static void Compare(StringBuilder md, string label, MarkdownReport.Inputs run, LoadTarget target, LoadTarget baseline)
    {
        var a = run.Latency.Single(r => r.Target == target).Latency;
        var b = run.Latency.Single(r => r.Target == baseline).Latency;
        var ta = run.Throughput.Single(r => r.Target == target);
        var tb = run.Throughput.Single(r => r.Target == baseline);
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| {label} | {Ratio(a.P50, b.P50)} | {Ratio(a.P99, b.P99)} | {a.P50 - b.P50:+0;-0;0} µs | {Ratio(ta.CallsPerSecond, tb.CallsPerSecond)} | {ta.CpuMicrosPerCall - tb.CpuMicrosPerCall:+0;-0;0} µs |");
    }

    private static void ComparisonHeader(StringBuilder md)
    {
        md.AppendLine("| Comparison | p50 ratio | p99 ratio | p50 difference | Throughput ratio | CPU difference per call |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
    }

    /// <summary>What was checked before timing, and how many calls failed while it ran: the end of both reports.</summary>
    internal static void AppendChecks(StringBuilder md, IReadOnlyList<SanityChecks.Check> checks, int errors)
    {
        md.AppendLine();
        md.AppendLine("## Checks before timing");
        md.AppendLine();
        foreach (var check in checks)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- [{(check.Passed ? "x" : " ")}] {check.Description} ({check.Detail})");
        }

        md.AppendLine();
        md.AppendLine(errors == 0
            ? "No call failed during the measurements."
            : $"**{errors} calls failed during the measurements** (exceptions, timeouts or wrong answers; excluded from the latencies).");
    }

    /// <summary><paramref name="value"/> as a multiple of <paramref name="baseline"/>, as the reports print ratios.</summary>
    internal static string Ratio(double value, double baseline) =>
        baseline > 0 && double.IsFinite(value) ? (value / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "n/a";
}
