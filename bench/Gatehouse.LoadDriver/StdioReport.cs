using System.Globalization;
using System.Text;

namespace Gatehouse.LoadDriver;

/// <summary>
/// Writes bench/results/gateway-stdio.md: Gatehouse against the proxies a user could pick instead, in front of one
/// stdio server, as ratios within the run.
/// </summary>
internal static class StdioReport
{
    public const string InstallCommand = "bench/install-proxies.sh";

    /// <summary>
    /// What follows this heading in an existing report is written by hand (a profile, what the numbers mean) and is
    /// kept when the driver writes the report again.
    /// </summary>
    public const string NotesHeading = "## Notes (written by hand, kept when the driver rewrites this file)";

    public sealed record Inputs(
        RunEnvironment Environment,
        string Command,
        LoadSettings Settings,
        StdioTargets Targets,
        IReadOnlyList<SanityChecks.Check> Checks,
        IReadOnlyList<ThroughputScenario.Result> Single,
        IReadOnlyList<ThroughputScenario.Result> Concurrent,
        TimeSpan RunTime,
        string LoadAverageAfter);

    public static string Render(Inputs run, string? previousReport)
    {
        var s = run.Settings;
        var md = new StringBuilder();
        md.AppendLine("# Stdio servers: Gatehouse against the proxies a user could pick instead");
        md.AppendLine();
        md.AppendLine("Reproduce from the repository root (add `--quick` for a smoke run):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(InstallCommand);
        md.AppendLine(CultureInfo.InvariantCulture, $"{MarkdownReport.ReproduceCommand} -- --stdio");
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("Every target is measured in the same run, taking turns, so the **ratios** below are the result.");
        md.AppendLine("Absolute numbers depend on the machine and on whatever else it was doing; do not compare them across runs.");
        run.Environment.WriteRunStart(md, s.Quick, run.Command, run.RunTime);
        RunEnvironment.WriteRow(md, ".NET", $"{run.Environment.Runtime}, {run.Environment.Configuration} build (driver, Gatehouse and echo server)");
        RunEnvironment.WriteRow(md, "Node", run.Targets.NodeVersion);
        RunEnvironment.WriteRow(md, "Load average before / after", $"{run.Environment.LoadAverageBefore} / {run.LoadAverageAfter}");
        RunEnvironment.WriteRow(md, "Settings", $"{s.ThroughputWarmup.TotalSeconds:0.#} s warm-up per target, then {s.ThroughputDuration.TotalSeconds:0.##} s per target " +
            $"in {s.ThroughputRounds} alternating rounds, at 1 session and at {s.Clients} concurrent sessions");

        md.AppendLine();
        md.AppendLine("## Setup");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"One stdio MCP server behind every target: `bench/Gatehouse.StdioEcho` (the C# SDK's stdio transport, one tool, `echo`, started as `dotnet Gatehouse.StdioEcho.dll`).");
        md.AppendLine("Each gateway or proxy is a process of its own on 127.0.0.1 and starts the server itself; the driver's clients (the SDK's");
        md.AppendLine(CultureInfo.InvariantCulture, $"`McpClient`, protocol {LoadTarget.ProtocolVersion}, a session each) call `tools/call echo` with a {EchoCalls.Message.Length}-character message over Streamable HTTP,");
        md.AppendLine("back to back. Clients, proxies and servers share the machine's cores.");
        md.AppendLine();
        md.AppendLine("| Target | What it is |");
        md.AppendLine("|---|---|");
        foreach (var target in run.Targets.All)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {target.Name} | {target.Description} |");
        }

        md.AppendLine();
        md.AppendLine("Method: a warm-up per target, then the measured time split into rounds; in each round every target takes its turn,");
        md.AppendLine("in an order that rotates from round to round, so drift (other load on the machine, heat) falls on all targets alike.");
        md.AppendLine("Calls/s is the **median round's**, so that a round slowed by someone else's work moves it less; latencies are");
        md.AppendLine("wall-clock times of `CallToolAsync` over all rounds, nearest-rank percentiles. Target CPU is the processor time of the");
        md.AppendLine("target's own processes (the proxy and every server it started; for direct stdio the servers) per call, from /proc;");
        md.AppendLine("client CPU is the driver's. Processes is how many the target ran while loaded.");

        var gatehouse = run.Targets.All[0];
        Scenario(md, "1. One session, one call at a time", run.Single, gatehouse);
        Scenario(md, $"2. {s.Clients} concurrent sessions", run.Concurrent, gatehouse);

        md.AppendLine();
        md.AppendLine("## Against the issue's targets");
        md.AppendLine();
        md.AppendLine("| Target | Measured | Met |");
        md.AppendLine("|---|---:|---|");
        foreach (var mcpProxy in run.Targets.McpProxy)
        {
            var throughputRatio = Rate(run.Concurrent, gatehouse) / Rate(run.Concurrent, mcpProxy);
            var p50Ratio = P50(run.Single, gatehouse) / P50(run.Single, mcpProxy);
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| Gatehouse's calls/s at {s.Clients} sessions ÷ {mcpProxy.Name}'s, at least 1 | {throughputRatio:0.00}× | {(throughputRatio >= 1 ? "yes" : "no")} |");
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| Gatehouse's p50 at 1 session ÷ {mcpProxy.Name}'s, at most 1 | {p50Ratio:0.00}× | {(p50Ratio <= 1 ? "yes" : "no")} |");
        }

        MarkdownReport.AppendChecks(md, run.Checks, run.Single.Sum(r => r.Errors) + run.Concurrent.Sum(r => r.Errors));

        md.AppendLine();
        md.Append(KeptNotes(previousReport) ?? NotesHeading + Environment.NewLine);
        return md.ToString();
    }

    /// <summary>The hand-written notes of a previous report, from their heading to the end, or null when it has none.</summary>
    private static string? KeptNotes(string? previousReport)
    {
        var at = previousReport?.IndexOf(NotesHeading, StringComparison.Ordinal) ?? -1;
        return at < 0 ? null : previousReport![at..];
    }

    private static void Scenario(StringBuilder md, string title, IReadOnlyList<ThroughputScenario.Result> results, LoadTarget gatehouse)
    {
        var baseline = results.Single(r => r.Target == gatehouse);
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        md.AppendLine();
        md.AppendLine("| Target | Calls | Calls/s | × Gatehouse | p50 µs | × Gatehouse | p99 µs | × Gatehouse | Target CPU µs/call | Client CPU µs/call | Processes | Errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Target.Name} | {r.Calls} | {r.MedianRoundRate:0} | {MarkdownReport.Ratio(r.MedianRoundRate, baseline.MedianRoundRate)} | {r.UnderLoad.P50:0} | {MarkdownReport.Ratio(r.UnderLoad.P50, baseline.UnderLoad.P50)} " +
                $"| {r.UnderLoad.P99:0} | {MarkdownReport.Ratio(r.UnderLoad.P99, baseline.UnderLoad.P99)} | {r.TargetCpuMicrosPerCall:0} | {r.CpuMicrosPerCall:0} | {r.TargetProcesses} | {r.Errors} |");
        }

        md.AppendLine();
        md.AppendLine("Each target's slowest and fastest round, in calls/s, and how far apart its even and odd rounds are (the run's own noise):");
        md.AppendLine();
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {r.Target.Name}: {r.RoundRates.Min():0} to {r.RoundRates.Max():0}, halves {r.SplitHalfSpread:0%} apart");
        }
    }

    private static double Rate(IReadOnlyList<ThroughputScenario.Result> results, LoadTarget target) => results.Single(r => r.Target == target).MedianRoundRate;

    private static double P50(IReadOnlyList<ThroughputScenario.Result> results, LoadTarget target) => results.Single(r => r.Target == target).UnderLoad.P50;
}
