using System.Globalization;
using Gatehouse.Decisions.Redis;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Benchmarks;

/// <summary>
/// Counts what Redis runs per decision, from its own statistics (<c>INFO stats commandstats</c>) read before and
/// after a batch of decisions: a count, not a time, so it holds whatever the machine's load.
/// </summary>
/// <remarks>
/// The statistics are the whole server's: another client of the same Redis shows up as "other commands", which
/// is reported, not hidden. The store's tests count the same on the wire, through a proxy of their own.
/// </remarks>
public static class RedisCommandCount
{
    private const int Decisions = 1000;

    public static async Task<int> RunAsync(TextWriter output)
    {
        using var redis = BenchmarkRedis.Connect();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var prefix = BenchmarkRedis.RunPrefix();
        using var admitting = new BenchmarkGateway(time => new RedisCounterStore(redis, time), new SteppingTime(TimeSpan.FromSeconds(1)), max: 100, prefix);
        using var refusing = new BenchmarkGateway(time => new RedisCounterStore(redis, time), new FrozenTime(), max: 10, prefix);
        var noLimit = BenchmarkGateway.ToolCall(BenchmarkGateway.NoLimit);
        var oneLimit = BenchmarkGateway.ToolCall(BenchmarkGateway.OneLimit);
        var twoLimits = BenchmarkGateway.ToolCall(BenchmarkGateway.TwoLimits);

        // The first decision on a connection also loads the script: counted apart, below.
        var connected = await SnapshotAsync(server);
        await admitting.ForwardedAsync(oneLimit);
        var first = Difference(connected, await SnapshotAsync(server));
        for (var i = 0; i < 10; i++)
        {
            await refusing.ForwardedAsync(oneLimit);
        }

        output.WriteLine($"Redis {BenchmarkRedis.Configuration}, version {server.Version}; {Decisions} decisions a case, one after another.");
        output.WriteLine();
        output.WriteLine("| case | forwarded | commands sent per decision | commands the script ran | other commands the server ran |");
        output.WriteLine("|------|----------:|----------------------------|-------------------------|-------------------------------|");
        output.WriteLine(Row("first decision on a connection (one limit)", 1, 1, first));
        var failures = 0;
        foreach (var (name, gateway, request, forwarded) in new[]
        {
            ("tools/call, no limit", admitting, noLimit, true),
            ("tools/call, one limit, admitted", admitting, oneLimit, true),
            ("tools/call, two limits, admitted", admitting, twoLimits, true),
            ("tools/call, one limit, refused", refusing, oneLimit, false),
        })
        {
            var before = await SnapshotAsync(server);
            var asExpected = 0;
            for (var i = 0; i < Decisions; i++)
            {
                asExpected += await gateway.ForwardedAsync(request) == forwarded ? 1 : 0;
            }

            var counted = Difference(before, await SnapshotAsync(server));
            output.WriteLine(Row(name, Decisions, forwarded ? asExpected : Decisions - asExpected, counted));
            failures += asExpected == Decisions ? 0 : 1;
        }

        return failures;
    }

    /// <summary>The commands a client sends to run the script; what the script itself calls is counted by Redis too.</summary>
    private static readonly string[] s_sent = ["evalsha", "eval", "script|load"];

    private static readonly string[] s_scripted = ["zremrangebyscore", "zcard", "zrange", "zadd", "pexpire"];

    private static string Row(string name, int decisions, int forwarded, Dictionary<string, long> counted)
    {
        string PerDecision(IEnumerable<string> commands) => string.Join(", ", commands.Where(counted.ContainsKey)
            .Select(c => $"{(double)counted[c] / decisions:0.###} {c.ToUpperInvariant().Replace('|', ' ')}")) is { Length: > 0 } text ? text : "none";
        var others = counted.Keys.Except(s_sent).Except(s_scripted).Select(c => $"{counted[c]} {c.ToUpperInvariant()}").ToList();
        return $"| {name} | {forwarded} of {decisions} | {PerDecision(s_sent)} | {PerDecision(s_scripted)} | {(others.Count == 0 ? "none" : string.Join(", ", others))} |";
    }

    /// <summary>Calls by command, from the lines <c>cmdstat_COMMAND:calls=N,usec=...</c> of INFO.</summary>
    private static async Task<Dictionary<string, long>> SnapshotAsync(IServer server)
    {
        var info = (string)(await server.ExecuteAsync("INFO", "commandstats"))!;
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in info.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("cmdstat_", StringComparison.Ordinal)))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            calls[line["cmdstat_".Length..colon]] = long.Parse(line[(colon + "calls=".Length + 1)..].Split(',')[0], CultureInfo.InvariantCulture);
        }

        return calls;
    }

    /// <summary>Commands whose calls grew, less the earlier snapshot's own INFO, which the later one counts.</summary>
    private static Dictionary<string, long> Difference(Dictionary<string, long> before, Dictionary<string, long> after)
    {
        var grown = after.Select(c => (c.Key, Calls: c.Value - before.GetValueOrDefault(c.Key) - (c.Key == "info" ? 1 : 0)))
            .Where(c => c.Calls > 0)
            .ToDictionary(c => c.Key, c => c.Calls, StringComparer.Ordinal);
        return grown;
    }
}
