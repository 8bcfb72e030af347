using System.Diagnostics;
using System.Globalization;

namespace Gatehouse.Soak;

/// <summary>What an operator and a flaky server do to a gateway under load: edit its policy, and crash its upstreams.</summary>
internal sealed class Disturbances(int gatewayId, string policyPath, SoakSettings settings, GatewayLog log, Action<string> progress)
{
    // A process this young may still be in its handshake; one that has served a while is what crashes in production.
    // The youngest of the others has the most of its session ahead, so its restart is the likeliest to be seen through.
    private static readonly TimeSpan s_minimumAge = TimeSpan.FromSeconds(5);

    // USER_HZ, the unit of a process's start time in /proc: 100 on every Linux architecture .NET runs on.
    private const int ClockTicksPerSecond = 100;

    private int _variant; // The gateway starts under variant 0.

    public int Rewrites { get; private set; }

    /// <summary>Rewrites whose reload the gateway logged within the confirm timeout.</summary>
    public int ReloadsSeen { get; private set; }

    public int Kills { get; private set; }

    /// <summary>Kills after which the gateway logged the loss and then the restart, each within the confirm timeout.</summary>
    public int Restarted { get; private set; }

    /// <summary>Kills whose session its client closed before the restart was done: nothing left to restart.</summary>
    public int EndedBeforeRestart { get; private set; }

    /// <summary>Kills the gateway did not log as a loss, or did not restart, within the confirm timeout.</summary>
    public int NotRestarted { get; private set; }

    /// <summary>The longest from a kill to its restart being logged.</summary>
    public TimeSpan SlowestRestart { get; private set; }

    /// <summary>Rewrites the policy every reload interval and kills an upstream every kill interval, until <paramref name="end"/>.</summary>
    public Task RunAsync(Stopwatch clock, TimeSpan end) => Task.WhenAll(
        EveryAsync(clock, settings.ReloadInterval, settings.ReloadInterval, end, RewriteAsync),
        EveryAsync(clock, settings.FirstKill, settings.KillInterval, end, KillAsync));

    private async Task EveryAsync(Stopwatch clock, TimeSpan first, TimeSpan interval, TimeSpan end, Func<Task> disturb)
    {
        for (var at = first; at <= end - settings.QuietEnd; at += interval)
        {
            var wait = at - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await disturb();
        }
    }

    private async Task RewriteAsync()
    {
        _variant = 1 - _variant;
        var before = log.Reloads;
        // Written beside it and renamed over it, as editors save: the gateway never reads half a file.
        var temporary = policyPath + ".new";
        await File.WriteAllTextAsync(temporary, SoakPolicy.Text(_variant));
        File.Move(temporary, policyPath, overwrite: true);
        Rewrites++;
        var seen = await WaitForAsync(() => log.Reloads > before);
        ReloadsSeen += seen is null ? 0 : 1;
        progress($"policy rewritten to variant {SoakPolicy.Tag(_variant)}: {(seen is null ? "NO reload logged" : $"reloaded in {seen.Value.TotalSeconds:0.0} s")}");
    }

    private async Task KillAsync()
    {
        var victim = ProcessProbe.Children(gatewayId)
            .Where(c => c.CommandLine.Contains("demo-server", StringComparison.Ordinal) && IsOlderThan(c, s_minimumAge))
            .MaxBy(c => c.StartTicks);
        if (victim is null)
        {
            progress("no upstream process old enough to kill");
            return;
        }

        var before = log.Losses.Keys.ToHashSet(StringComparer.Ordinal);
        try
        {
            using var process = Process.GetProcessById(victim.Id);
            process.Kill(); // SIGKILL: the server gets no chance to answer what it holds or say goodbye.
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            progress($"upstream {victim.Id} ended by itself before it could be killed");
            return;
        }

        Kills++;
        var took = Stopwatch.StartNew();
        string? session = null;
        var lost = await WaitForAsync(() => (session = log.Losses.Keys.FirstOrDefault(s => !before.Contains(s))) is not null);
        var settled = lost is not null && await WaitForAsync(() => log.Losses[session!] != UpstreamLoss.Restarting) is not null;
        var outcome = settled ? log.Losses[session!] : UpstreamLoss.Restarting;
        if (outcome == UpstreamLoss.Restarted)
        {
            Restarted++;
            SlowestRestart = took.Elapsed > SlowestRestart ? took.Elapsed : SlowestRestart;
        }

        EndedBeforeRestart += outcome == UpstreamLoss.SessionEnded ? 1 : 0;
        NotRestarted += outcome == UpstreamLoss.Restarting ? 1 : 0;
        progress($"upstream {victim.Id} killed: " + (outcome, lost) switch
        {
            (_, null) => "NO loss logged",
            (UpstreamLoss.Restarted, _) => $"session {session} restarted in {took.Elapsed.TotalSeconds:0.0} s",
            (UpstreamLoss.SessionEnded, _) => $"session {session} ended by its client before the restart",
            _ => $"session {session} NOT restarted",
        });
    }

    private async Task<TimeSpan?> WaitForAsync(Func<bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > settings.ConfirmTimeout)
            {
                return null;
            }

            await Task.Delay(50);
        }

        return clock.Elapsed;
    }

    private static bool IsOlderThan(ChildProcess child, TimeSpan age)
    {
        // StartTicks is in clock ticks since boot; /proc/uptime is seconds since boot.
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
        return uptime - (double)child.StartTicks / ClockTicksPerSecond > age.TotalSeconds;
    }
}
