using System.Globalization;
using System.Text;
using Gatehouse.LoadDriver;

namespace Gatehouse.Soak;

/// <summary>Writes bench/results/memory.md: each variant's figures side by side, from one run on one machine.</summary>
internal static class MemoryReport
{
    public const string ReproduceCommand = "dotnet run -c Release --project bench/Gatehouse.Soak -- memory";

    public static string Render(RunEnvironment environment, IReadOnlyList<MemoryResult> results, string command, string loadAfter, string findings)
    {
        var md = new StringBuilder();
        md.AppendLine("# Memory per session: what the gateway holds for its open sessions");
        md.AppendLine();
        md.AppendLine("Reproduce from the repository root (`-- memory --help` for the options):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("`gatehouse serve` runs as a process of its own (Release build) in front of the Streamable HTTP test server");
        md.AppendLine("(`tests/Gatehouse.TestServer`, in the benchmark's process, so that only the gateway is measured), with the audit log on");
        md.AppendLine("(SQLite, the default) and `telemetry.prometheus` on. The benchmark opens the sessions 16 at a time (`initialize`, then");
        md.AppendLine("`notifications/initialized`, as an agent does), waits 3 s, ends each with `DELETE`, and waits again. Resident memory is");
        md.AppendLine("the kernel's (`/proc/PID/status`: `VmRSS`, of it `RssAnon` and `RssFile`); the GC heap and its committed memory are");
        md.AppendLine("the runtime's own figures after its last collection (`/metrics`, `dotnet.gc.last_collection.*`). Each variant runs a");
        md.AppendLine("fresh gateway, one after the other, so the rows of one run compare at the same machine load.");
        md.AppendLine();
        md.AppendLine("## This run");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Date (UTC)**: {environment.Started:yyyy-MM-dd HH:mm}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Processors (nproc)**: {environment.ProcessorCount} ({environment.Cpu}), {environment.Os}, {environment.Runtime}, {environment.Configuration} build");
        md.AppendLine(CultureInfo.InvariantCulture, $"- **Load average before / after**: {environment.LoadAverageBefore} / {loadAfter} (the machine is shared: other builds and a soak ran meanwhile)");
        md.AppendLine();
        md.AppendLine("| Variant | Sessions | Resident at start (MiB) | With all open (MiB) | Per session (KiB) | After closing (MiB) | Anon / file at start | Anon / file open | Anon / file closed | GC heap start / open / closed (MiB) | GC committed start / open / closed (MiB) | GCs |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|---|---|---|---|---:|");
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Variant.Label} | {r.Sessions:N0} | {Mib(r.Start.ResidentKilobytes)} | {Mib(r.Open.ResidentKilobytes)} | {r.PerSessionKilobytes:0} | {Mib(r.Closed.ResidentKilobytes)} | " +
                $"{AnonFile(r.Start)} | {AnonFile(r.Open)} | {AnonFile(r.Closed)} | " +
                $"{Bytes(r.Start.HeapBytes)} / {Bytes(r.Open.HeapBytes)} / {Bytes(r.Closed.HeapBytes)} | " +
                $"{Bytes(r.Start.CommittedBytes)} / {Bytes(r.Open.CommittedBytes)} / {Bytes(r.Closed.CommittedBytes)} | {r.Closed.Collections:0} |");
        }

        md.AppendLine();
        foreach (var r in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{r.Variant.Label}**: {r.Variant.Describe()}; {(r.Listening ? "each client kept its GET stream open; " : "")}sessions opened in {r.OpenTime.TotalSeconds:0.0} s.");
        }

        if (findings.Length > 0)
        {
            md.AppendLine();
            md.AppendLine(findings.TrimEnd());
        }

        return md.ToString();
    }

    private static string Mib(long kilobytes) => (kilobytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string AnonFile(MemorySample s) => $"{Mib(s.AnonymousKilobytes)} / {Mib(s.FileKilobytes)}";

    private static string Bytes(double bytes) => double.IsNaN(bytes) ? "n/a" : (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);
}
