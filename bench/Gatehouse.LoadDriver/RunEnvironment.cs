using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Gatehouse.LoadDriver;

/// <summary>What the numbers were measured on: without it, no reader can tell whether two reports compare.</summary>
internal sealed record RunEnvironment(
    DateTimeOffset Started,
    int ProcessorCount,
    string Cpu,
    string Os,
    string Runtime,
    string Configuration,
    string GarbageCollector,
    string LoadAverageBefore)
{
    public static RunEnvironment Capture(TimeProvider time) => new(
        time.GetUtcNow(),
        Environment.ProcessorCount,
        CpuModel() ?? RuntimeInformation.ProcessArchitecture.ToString(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        typeof(RunEnvironment).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "unknown",
        $"{(GCSettings.IsServerGC ? "server" : "workstation")}, {GCSettings.LatencyMode}",
        LoadAverage());

    /// <summary>
    /// Writes what every report of the driver starts its run with: a warning for a smoke run, then the command, when
    /// and how long, and the machine.
    /// </summary>
    public void WriteRunStart(System.Text.StringBuilder md, bool quick, string command, TimeSpan runTime)
    {
        if (quick)
        {
            md.AppendLine();
            md.AppendLine("> **This was a `--quick` smoke run**: too few samples to quote, p99 especially.");
        }

        md.AppendLine();
        md.AppendLine("## This run");
        md.AppendLine();
        WriteRow(md, "Command", $"`{command}`");
        WriteRow(md, "Date (UTC)", Started.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        WriteRow(md, "Run time", $"{runTime.TotalSeconds:0.0} s (start-up, checks and both scenarios)");
        WriteMachineRows(md);
    }

    /// <summary>Writes the machine's rows of a report (processors, CPU, OS), which every report of a run shares.</summary>
    public void WriteMachineRows(System.Text.StringBuilder md)
    {
        WriteRow(md, "Processors (nproc)", ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        WriteRow(md, "CPU", Cpu);
        WriteRow(md, "OS", Os);
    }

    /// <summary>One "- **name**: value" line of a report's facts.</summary>
    public static void WriteRow(System.Text.StringBuilder md, string name, string value) =>
        md.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"- **{name}**: {value}");

    /// <summary>The 1-, 5- and 15-minute load averages, where Linux publishes them: a busy machine explains noisy numbers.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string? CpuModel()
    {
        try
        {
            return File.Exists("/proc/cpuinfo")
                ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
