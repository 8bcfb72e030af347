using System.CommandLine;
using System.Diagnostics;
using Gatehouse.LoadDriver;

// Reproduce bench/results/gateway-load.md from the repository root with:
//   dotnet run -c Release --project bench/Gatehouse.LoadDriver

var quick = new Option<bool>("--quick") { Description = "A ~15 s smoke run: proves every target works, too few samples to quote." };
var clients = new Option<int>("--clients")
{
    Description = "Concurrent clients (sessions) in the throughput scenario.",
    DefaultValueFactory = _ => 16,
};
var duration = new Option<double>("--duration")
{
    Description = "Measured seconds of throughput per target (ignored with --quick).",
    DefaultValueFactory = _ => 10,
};
var calls = new Option<int>("--calls")
{
    Description = "Measured sequential calls per target (ignored with --quick).",
    DefaultValueFactory = _ => 3000,
};
var auditOnly = new Option<bool>("--audit")
{
    Description = "Only the targets that show what the audit log costs (direct, enforced, audit off, sqliteSync normal, an audit store that keeps nothing); the report goes to bench/results/gateway-audit.md.",
};
var stdio = new Option<bool>("--stdio")
{
    Description = "Compare Gatehouse with the proxies a user could pick instead (npm mcp-proxy and supergateway; install them with bench/install-proxies.sh), " +
        "all in front of one stdio echo server, at 1 and at --clients sessions; the report goes to bench/results/gateway-stdio.md.",
};
var compareWith = new Option<FileInfo?>("--compare-with")
{
    Description = "With --stdio: one more target, Gatehouse as shipped run from another build's gatehouse.dll (for example the main branch's, " +
        "built with `dotnet build -c Release src/Gatehouse -o DIR`), so that a change is measured against what it changes in the same run.",
};
var output = new Option<FileInfo?>("--output")
{
    Description = "Where to write the report; default bench/results/gateway-load.md (gateway-audit.md with --audit, gateway-stdio.md with --stdio) in the repository.",
};
clients.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) { r.AddError("--clients must be between 1 and 256."); } });
duration.Validators.Add(r => { if (r.GetValueOrDefault<double>() is <= 0 or > 300) { r.AddError("--duration must be more than 0 and at most 300 seconds."); } });
calls.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1_000_000) { r.AddError("--calls must be between 1 and 1000000."); } });

var root = new RootCommand("Measures what the Gatehouse gateway costs an MCP agent: the same calls directly and through the gateway, in one run.")
{
    quick, clients, duration, calls, auditOnly, stdio, compareWith, output,
};
root.Validators.Add(r => { if (r.GetValue(stdio) && r.GetValue(auditOnly)) { r.AddError("--stdio and --audit measure different targets; give one."); } });
root.Validators.Add(r =>
{
    if (r.GetValue(compareWith) is { } other && (!r.GetValue(stdio) || !other.Exists))
    {
        r.AddError("--compare-with needs --stdio and the path of a gatehouse.dll that exists.");
    }
});
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = parse.GetValue(quick)
        ? LoadSettings.QuickRun(parse.GetValue(clients))
        : LoadSettings.Full(parse.GetValue(clients), TimeSpan.FromSeconds(parse.GetValue(duration)), parse.GetValue(calls));
    var audit = parse.GetValue(auditOnly);
    var command = MarkdownReport.ReproduceCommand + (args.Length > 0 ? " -- " + string.Join(' ', args) : "");
    if (parse.GetValue(stdio))
    {
        var stdioPath = parse.GetValue(output)?.FullName ?? Path.Combine(RepositoryRoot(), "bench", "results", "gateway-stdio.md");
        return await RunStdioAsync(settings, stdioPath, command, parse.GetValue(compareWith)?.FullName, cancellationToken);
    }

    var path = parse.GetValue(output)?.FullName ?? Path.Combine(RepositoryRoot(), "bench", "results", audit ? "gateway-audit.md" : "gateway-load.md");
    return await RunAsync(settings, audit, path, command, cancellationToken);
});
return await root.Parse(args).InvokeAsync();

static async Task<int> RunAsync(LoadSettings settings, bool auditOnly, string path, string command, CancellationToken cancellationToken)
{
    // A hard ceiling on top of every loop's own bound: a wedged connection must end the run, not hang it.
    using var ceiling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    ceiling.CancelAfter(TimeSpan.FromMinutes(10));
    var token = ceiling.Token;

    var clock = Stopwatch.StartNew();
    var environment = RunEnvironment.Capture(TimeProvider.System);
    void Progress(string message) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {message}");

    await using var targets = await LoadTargets.StartAsync(settings.Clients);
    Progress("test server and gateways started");

    var checks = await SanityChecks.RunAsync(targets, token);
    if (!ChecksPassed(checks, Progress))
    {
        return 1;
    }

    var measured = auditOnly ? targets.Audit : targets.All;
    var latency = await LatencyScenario.RunAsync(measured, settings, Progress, token);
    var throughput = await ThroughputScenario.RunAsync(measured, settings, Progress, token);
    var report = MarkdownReport.Render(new MarkdownReport.Inputs(
        environment, command, settings, targets, measured, checks, latency, throughput, clock.Elapsed, RunEnvironment.LoadAverage()));

    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report, token);
    Console.WriteLine(report);
    Progress($"report written to {path}");
    // Failed calls are left out of the latencies, so a run that had any must not pass for a clean one.
    return latency.Sum(r => r.Errors) + throughput.Sum(r => r.Errors) == 0 ? 0 : 1;
}

static async Task<int> RunStdioAsync(LoadSettings settings, string path, string command, string? otherBuild, CancellationToken cancellationToken)
{
    using var ceiling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    ceiling.CancelAfter(TimeSpan.FromMinutes(15));
    var token = ceiling.Token;

    var clock = Stopwatch.StartNew();
    var environment = RunEnvironment.Capture(TimeProvider.System);
    void Progress(string message) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {message}");

    await using var targets = await StdioTargets.StartAsync(RepositoryRoot(), settings.Clients, otherBuild, token);
    Progress("gateways and proxies started");

    var checks = await SanityChecks.EchoAsync(targets.All, token);
    if (!ChecksPassed(checks, Progress))
    {
        return 1;
    }

    // Per-session server processes are as warm as one shared process only after a longer warm-up than an in-process target needs.
    var stdioSettings = settings.Quick ? settings : settings with { ThroughputWarmup = TimeSpan.FromSeconds(3) };
    var single = await ThroughputScenario.RunAsync(targets.All, stdioSettings with { Clients = 1 }, Progress, token, probeRetention: false);
    var concurrent = await ThroughputScenario.RunAsync(targets.All, stdioSettings, Progress, token, probeRetention: false);
    var report = StdioReport.Render(
        new StdioReport.Inputs(environment, command, stdioSettings, targets, checks, single, concurrent, clock.Elapsed, RunEnvironment.LoadAverage()),
        File.Exists(path) ? await File.ReadAllTextAsync(path, token) : null);

    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report, token);
    Console.WriteLine(report);
    Progress($"report written to {path}");
    return single.Sum(r => r.Errors) + concurrent.Sum(r => r.Errors) == 0 ? 0 : 1;
}

static bool ChecksPassed(IReadOnlyList<SanityChecks.Check> checks, Action<string> progress)
{
    foreach (var check in checks)
    {
        progress($"{(check.Passed ? "ok  " : "FAIL")} {check.Description}: {check.Detail}");
    }

    if (checks.Any(c => !c.Passed))
    {
        Console.Error.WriteLine("A check failed, so the targets are not what the report would say they are; nothing was measured.");
        return false;
    }

    return true;
}

// The report belongs in the repository whatever directory the driver is started from.
static string RepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx")))
            {
                return dir.FullName;
            }
        }
    }

    return Directory.GetCurrentDirectory();
}
