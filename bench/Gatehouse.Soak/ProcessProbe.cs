using System.Globalization;

namespace Gatehouse.Soak;

/// <summary>What one process holds, read from <c>/proc</c>: the figures a leak shows up in first.</summary>
internal sealed record ProcessSample(TimeSpan At, long ResidentKilobytes, int FileDescriptors, int Threads, int Children, long ChildrenResidentKilobytes);

/// <summary>A child process of the gateway, as <c>/proc</c> shows it.</summary>
internal sealed record ChildProcess(int Id, long StartTicks, string CommandLine);

/// <summary>Reads <c>/proc</c> directly, so that the figures are the kernel's, not the gateway's own word.</summary>
internal static class ProcessProbe
{
    public static ProcessSample Sample(int pid, TimeSpan at)
    {
        var children = Children(pid);
        return new ProcessSample(at, ResidentKilobytes(pid), Count($"/proc/{pid}/fd"), Count($"/proc/{pid}/task"), children.Count,
            children.Sum(c => ResidentKilobytes(c.Id)));
    }

    /// <summary>The live processes whose parent is <paramref name="pid"/>; one that ends while it is read is left out.</summary>
    public static IReadOnlyList<ChildProcess> Children(int pid)
    {
        var children = new List<ChildProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var child) && ReadStat(child) is { } stat && stat.Parent == pid && !stat.Zombie)
            {
                children.Add(new ChildProcess(child, stat.StartTicks, Read($"{dir}/cmdline")?.Replace('\0', ' ').Trim() ?? ""));
            }
        }

        return children;
    }

    /// <summary>VmRSS, in KiB; 0 once the process is gone.</summary>
    public static long ResidentKilobytes(int pid) => StatusKilobytes(pid, "VmRSS");

    /// <summary>A figure of <c>/proc/PID/status</c> in KiB (<c>VmRSS</c>, <c>RssAnon</c>, <c>RssFile</c>); 0 once the process is gone.</summary>
    public static long StatusKilobytes(int pid, string field)
    {
        var line = Read($"/proc/{pid}/status")?.Split('\n').FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static (int Parent, long StartTicks, bool Zombie)? ReadStat(int pid)
    {
        // The command name (field 2) is in parentheses and may hold spaces or parentheses itself: fields are counted after the last ')'.
        var stat = Read($"/proc/{pid}/stat");
        var end = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || end < 0)
        {
            return null;
        }

        var fields = stat[(end + 2)..].Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture), fields[0] == "Z");
    }

    private static int Count(string directory)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(directory).Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process ended while it was read.
            return null;
        }
    }
}
