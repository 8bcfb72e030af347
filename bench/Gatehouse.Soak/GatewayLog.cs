using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Gatehouse.Soak;

/// <summary>What became of an upstream the gateway lost: restarted, or its session ended first.</summary>
internal enum UpstreamLoss
{
    Restarting,
    Restarted,
    SessionEnded,
}

/// <summary>
/// Reads what the gateway logs over the whole run: policy reloads, lost and restarted upstreams by session, and
/// every warning or error (counted by level and logger event, with the first line of each kept for the report).
/// Its upstreams write to the same stream.
/// </summary>
internal sealed partial class GatewayLog(TextWriter? copy)
{
    private const int ExampleLength = 400;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, (int Count, string Example)> _problems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UpstreamLoss> _losses = new(StringComparer.Ordinal);
    private int _reloads, _refusedReloads, _failedRestarts;

    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>Policy edits the gateway read but refused (it logs "does not compile"): there should be none.</summary>
    public int RefusedReloads => Volatile.Read(ref _refusedReloads);

    public int FailedRestarts => Volatile.Read(ref _failedRestarts);

    /// <summary>The sessions whose upstream the gateway lost, and what became of each.</summary>
    public IReadOnlyDictionary<string, UpstreamLoss> Losses => _losses;

    /// <summary>Warnings and errors by level and logger event ("warn: Category[id]"), with how often each came and its first line.</summary>
    public IReadOnlyList<(string Event, int Count, string Example)> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems.OrderByDescending(p => p.Value.Count).Select(p => (p.Key, p.Value.Count, p.Value.Example))];
            }
        }
    }

    public void Receive(string line)
    {
        lock (_gate)
        {
            copy?.WriteLine(line);
        }

        if (line.Contains("changed and is now in force", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _reloads);
        }
        else if (line.Contains("changed but does not compile", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _refusedReloads);
        }
        else if (line.Contains("Restarting upstream server", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _failedRestarts);
        }
        else if (Lost().Match(line) is { Success: true } lost)
        {
            _losses[lost.Groups[1].Value] = UpstreamLoss.Restarting;
        }
        else if (Restarted().Match(line) is { Success: true } restarted)
        {
            _losses[restarted.Groups[1].Value] = UpstreamLoss.Restarted;
        }
        else if (Ended().Match(line) is { Success: true } ended)
        {
            _losses.TryUpdate(ended.Groups[1].Value, UpstreamLoss.SessionEnded, UpstreamLoss.Restarting);
        }

        CountProblem(line);
    }

    private void CountProblem(string line)
    {
        // The simple console format, one line a message: "HH:mm:ss warn: Category[id] message".
        var level = line.IndexOf(": ", StringComparison.Ordinal) - 4;
        if (level < 0 || line.AsSpan(level, 4) is not ("warn" or "fail" or "crit"))
        {
            return;
        }

        var eventEnd = line.IndexOf(']', level);
        var key = eventEnd < 0 ? line[level..] : line[level..(eventEnd + 1)];
        lock (_gate)
        {
            _problems[key] = _problems.TryGetValue(key, out var seen)
                ? (seen.Count + 1, seen.Example)
                : (1, line.Length > ExampleLength ? line[..ExampleLength] + "..." : line);
        }
    }

    [GeneratedRegex(@"of session (\S+) closed; restarting it\.")]
    private static partial Regex Lost();

    [GeneratedRegex(@"of session (\S+) restarted \(attempt")]
    private static partial Regex Restarted();

    [GeneratedRegex(@"Session (\S+) of server '[^']*' (closed|was idle too long)")]
    private static partial Regex Ended();
}
