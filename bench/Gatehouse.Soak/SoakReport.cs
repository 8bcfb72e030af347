using System.Globalization;
using System.Text;
using Gatehouse.LoadDriver;
using static Gatehouse.Soak.SoakVerdict;

namespace Gatehouse.Soak;

/// <summary>Writes bench/results/soak.md: the verdict first, then what it rests on.</summary>
internal static class SoakReport
{
    public const string ReproduceCommand = "dotnet run -c Release --project bench/Gatehouse.Soak";

    public static (string Markdown, bool Passed) Render(SoakResult run, string command)
    {
        var s = run.Settings;
        var checks = SoakVerdict.Of(run);
        var passed = checks.All(c => c.Passed);
        var md = new StringBuilder();
        md.AppendLine("# Soak: the gateway under load, policy reloads and upstream crashes");
        md.AppendLine();
        md.AppendLine("Reproduce from the repository root (`-- --minutes 1` for a quick check that everything works, `-- --help` for the options):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(ReproduceCommand + " -- --minutes 10");
        md.AppendLine("```");
        md.AppendLine();
        var failed = passed ? "" : $" (failed: {string.Join("; ", checks.Where(c => !c.Passed).Select(c => c.Description))})";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"**Verdict: {(passed ? "PASS" : "FAIL")}**: {checks.Count(c => c.Passed)} of {checks.Count} checks hold{failed}; " +
            $"{run.Calls.Acknowledged.Count} acknowledged tool calls, {run.Audit.Missing} missing from the audit log, chain {(run.Audit.ChainVerified ? "verified" : "NOT verified")}; " +
            $"resident memory {Mib(run.AfterWarmup.ResidentKilobytes)} → {Mib(run.EndOfLoad.ResidentKilobytes)} MiB, descriptors {run.AfterWarmup.FileDescriptors} → {run.EndOfLoad.FileDescriptors}, " +
            $"threads {run.AfterWarmup.Threads} → {run.EndOfLoad.Threads}.");
        if (s.Duration < TimeSpan.FromMinutes(10))
        {
            md.AppendLine();
            md.AppendLine("> **This was a short run**: it shows that everything works, not that nothing leaks.");
        }

        md.AppendLine();
        md.AppendLine("## This run");
        md.AppendLine();
        RunEnvironment.WriteRow(md, "Command", $"`{command}`");
        RunEnvironment.WriteRow(md, "Date (UTC)", run.Environment.Started.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        RunEnvironment.WriteRow(md, "Run time", $"{run.RunTime.TotalSeconds:0} s ({s.Duration.TotalMinutes:0.#} min of load, then the stop and the audit check)");
        run.Environment.WriteMachineRows(md);
        RunEnvironment.WriteRow(md, ".NET", $"{run.Environment.Runtime}, {run.Environment.Configuration} build (the soak and the gateway), GC of the soak {run.Environment.GarbageCollector}");
        RunEnvironment.WriteRow(md, "Load average before / after", $"{run.Environment.LoadAverageBefore} / {run.LoadAverageAfter} (the machine is shared: other builds and test runs went on during the soak)");
        RunEnvironment.WriteRow(md, "Settings", $"{s.Clients} clients; a new session every {s.CallsPerSession.Min}–{s.CallsPerSession.Max} calls; up to {s.MaxPause.TotalMilliseconds:0} ms between calls; " +
            $"warm-up {s.Warmup.TotalSeconds:0} s; policy rewritten every {s.ReloadInterval.TotalSeconds:0} s; an upstream killed every {s.KillInterval.TotalSeconds:0} s from {s.FirstKill.TotalSeconds:0} s");

        md.AppendLine();
        md.AppendLine("## Setup");
        md.AppendLine();
        md.AppendLine("All on 127.0.0.1. `gatehouse serve` runs as a process of its own (`tests/Gatehouse.Testing`'s `GatehouseProcess`), so its");
        md.AppendLine("figures are read from `/proc/PID` (`VmRSS`, `fd/`, `task/`, and the processes whose parent it is). Behind it, the bundled");
        md.AppendLine("demo mailing-list server over stdio (`dotnet gatehouse.dll demo-server --db FILE`, one process per client session), under");
        md.AppendLine("the policy below, with the audit log on (SQLite, the default). The clients are the official C# SDK's `McpClient` over");
        md.AppendLine("Streamable HTTP; each tool call carries a request id of its own, so that its audit record is found by session and id.");
        md.AppendLine();
        md.AppendLine("```json");
        md.AppendLine(run.PolicyA.TrimEnd());
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("Every rewrite alternates it with a second variant that decides each call the same way, with other budgets");
        md.AppendLine("(`send_campaign` 30 a minute, `per_page` at most 40) and a denial reason naming `soak policy B`; the file is written beside");
        md.AppendLine("the policy and renamed over it, as editors save. Every kill is a SIGKILL of one `demo-server` child of the gateway, the");
        md.AppendLine("youngest of those older than 5 s (the one with the most of its session ahead). At the end the clients close their");
        md.AppendLine("sessions, the gateway gets SIGTERM, and `gatehouse audit verify` and `gatehouse audit export --format jsonl` are run");
        md.AppendLine("against its configuration.");

        md.AppendLine();
        md.AppendLine("## Checks");
        md.AppendLine();
        foreach (var check in checks)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- [{(check.Passed ? "x" : " ")}] {check.Description}: {check.Seen}");
        }

        SoakReportSections.Resources(md, run);
        SoakReportSections.Calls(md, run);
        SoakReportSections.Disturbances(md, run);
        SoakReportSections.Audit(md, run);
        SoakReportSections.GatewayLog(md, run);
        return (md.ToString(), passed);
    }
}
