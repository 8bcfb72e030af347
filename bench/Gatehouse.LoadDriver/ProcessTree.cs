using System.Globalization;

namespace Gatehouse.LoadDriver;

/// <summary>
/// Some processes and all their descendants, read from Linux's /proc: the processor time a proxy and the servers it
/// started have used, and how many processes that is (a proxy that starts a server per session has many).
/// </summary>
/// <param name="roots">The processes the tree starts from, read at each sample, since servers come and go with sessions.</param>
internal sealed class ProcessTree(Func<IEnumerable<int>> roots)
{
    // USER_HZ: what /proc counts times in, 100 on every architecture .NET runs on Linux.
    private const double TicksPerSecond = 100;

    public sealed record Sample(TimeSpan CpuTime, int Processes);

    /// <summary>The tree under one process, such as a proxy the driver started.</summary>
    public static ProcessTree Under(int pid) => new(() => [pid]);

    /// <summary>
    /// This process's own children started as <c>dotnet <paramref name="assembly"/></c>: the servers the driver's clients
    /// start themselves. The proxies it started name the same assembly further along their command lines.
    /// </summary>
    public static ProcessTree ChildrenOfThisProcess(string assembly) => new(() =>
    {
        var self = Environment.ProcessId;
        return Entries().Where(e => e.ParentId == self && CommandLine(e.Id) is [_, var first, ..] && first == assembly).Select(e => e.Id);
    });

    /// <summary>Processor time (user and system) used so far by every live process of the tree.</summary>
    public Sample Read()
    {
        var entries = Entries().ToDictionary(e => e.Id);
        var children = entries.Values.ToLookup(e => e.ParentId);
        var pending = new Stack<int>(roots().Where(entries.ContainsKey));
        var seen = new HashSet<int>();
        var ticks = 0L;
        while (pending.TryPop(out var pid))
        {
            if (seen.Add(pid))
            {
                ticks += entries[pid].Ticks;
                foreach (var child in children[pid])
                {
                    pending.Push(child.Id);
                }
            }
        }

        return new Sample(TimeSpan.FromSeconds(ticks / TicksPerSecond), seen.Count);
    }

    private sealed record Entry(int Id, int ParentId, long Ticks);

    private static IEnumerable<Entry> Entries()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && ReadEntry(pid) is { } entry)
            {
                yield return entry;
            }
        }
    }

    private static Entry? ReadEntry(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // gone since the directory was listed
        }

        // The command name in parentheses may hold spaces and parentheses; the fields that follow start after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After the name: state, ppid (field 4 of proc(5)), ..., utime (14), stime (15).
        return new Entry(pid, int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }

    private static string[] CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        }
        catch (IOException)
        {
            return [];
        }
    }
}
