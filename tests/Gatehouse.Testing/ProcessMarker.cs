using System.Text;

namespace Gatehouse.Testing;

/// <summary>
/// An environment variable of one test's own, to find the processes it caused to be started (and their
/// children, which inherit it) by scanning <c>/proc</c>: the gateway does not say which process serves which
/// session, and a test that only trusted the gateway's word could not catch an orphan.
/// </summary>
public sealed class ProcessMarker
{
    public const string VariableName = "GATEHOUSE_TEST_MARKER";

    public string Value { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The variable as <c>/proc/PID/environ</c> holds it.</summary>
    private byte[] Entry => Encoding.UTF8.GetBytes($"{VariableName}={Value}");

    /// <summary>
    /// The live processes that carry the marker. A zombie has no environment left to read, so a process that
    /// died but was not yet reaped does not count: it can no longer do anything.
    /// </summary>
    public IReadOnlyList<int> FindProcessIds()
    {
        var entry = Entry;
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Carries(Path.Combine(dir, "environ"), entry))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>Process ids with their command lines, for a failure message that says what was left running.</summary>
    public static string Describe(IEnumerable<int> pids) =>
        string.Join("; ", pids.Select(pid => $"{pid}: {ReadCommandLine(pid)}"));

    private static bool Carries(string environFile, byte[] entry)
    {
        byte[] environ;
        try
        {
            environ = File.ReadAllBytes(environFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The process ended while we looked, or belongs to someone else: either way, not ours.
            return false;
        }

        ReadOnlySpan<byte> variables = environ;
        foreach (var variable in variables.Split((byte)0))
        {
            if (variables[variable].SequenceEqual(entry))
            {
                return true;
            }
        }

        return false;
    }

    private static string ReadCommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "(gone)";
        }
    }
}
