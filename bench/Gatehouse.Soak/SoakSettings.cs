namespace Gatehouse.Soak;

/// <summary>How long and how hard to soak. Every loop of the soak is bounded by one of these counts or durations.</summary>
internal sealed record SoakSettings
{
    /// <summary>How long the clients drive load.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Concurrent MCP clients, each with one session (and so one upstream process) at a time.</summary>
    public required int Clients { get; init; }

    /// <summary>
    /// Load before the first resource sample that counts as the start: JIT, pools, the SQLite cache and the
    /// clients' sessions settle first, so that growth measured after it is growth under steady load.
    /// </summary>
    public TimeSpan Warmup => TimeSpan.FromTicks(Math.Clamp(Duration.Ticks / 10, TimeSpan.FromSeconds(10).Ticks, TimeSpan.FromMinutes(1).Ticks));

    /// <summary>
    /// The gateway keeps every response event replayable this long (<c>RelayHttpOptions.ResumeWindow</c>, by default),
    /// so its memory rises by design until the window is full. Growth is judged after it.
    /// </summary>
    public TimeSpan ResumeWindow { get; } = TimeSpan.FromMinutes(5);

    /// <summary>From when memory should hold steady: the warm-up and one resume window, or half the run when it is shorter.</summary>
    public TimeSpan SteadyFrom => Warmup + ResumeWindow < Duration / 2 ? Warmup + ResumeWindow : Duration / 2;

    /// <summary>How often the policy file is rewritten, alternating between its two variants.</summary>
    public TimeSpan ReloadInterval { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How often one upstream process is killed.</summary>
    public TimeSpan KillInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Kills fall between rewrites, so that a refusal seen during a restart is not also a reload's.</summary>
    public TimeSpan FirstKill { get; } = TimeSpan.FromSeconds(45);

    /// <summary>No disturbance this close to the end, so that each has time to be seen through before the load stops.</summary>
    public TimeSpan QuietEnd { get; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the gateway's memory, descriptors, threads and children are read.</summary>
    public TimeSpan SampleInterval { get; } = TimeSpan.FromSeconds(10);

    /// <summary>A client gives up on one call after this: a call that takes longer is a hang, and is reported as one.</summary>
    public TimeSpan CallTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Calls a session makes before its client closes it and opens another: picked at random in this range.</summary>
    public (int Min, int Max) CallsPerSession { get; } = (300, 900);

    /// <summary>A client's pause between calls, picked at random up to this: agents think between calls.</summary>
    public TimeSpan MaxPause { get; } = TimeSpan.FromMilliseconds(40);

    /// <summary>How long a reload or a restart may take to be seen before it counts as not done.</summary>
    public TimeSpan ConfirmTimeout { get; } = TimeSpan.FromSeconds(20);

    /// <summary>How long, after the clients closed their sessions, the gateway may take to stop their upstreams.</summary>
    public TimeSpan SettleTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the gateway may take to stop after SIGTERM.</summary>
    public TimeSpan StopTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>A ceiling over the whole run, on top of every loop's own bound: a wedged step must end the run, not hang it.</summary>
    public TimeSpan Ceiling => Duration + TimeSpan.FromMinutes(10);
}
