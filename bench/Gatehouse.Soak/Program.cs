using System.CommandLine;
using Gatehouse.Soak;

// Reproduce bench/results/soak.md from the repository root with:
//   dotnet run -c Release --project bench/Gatehouse.Soak -- --minutes 10
// and bench/results/memory.md with:
//   dotnet run -c Release --project bench/Gatehouse.Soak -- memory

var minutes = new Option<double>("--minutes")
{
    Description = "How long the clients drive load; 1 is a quick check that everything works, too short to show a leak.",
    DefaultValueFactory = _ => 10,
};
var clients = new Option<int>("--clients")
{
    Description = "Concurrent MCP clients, each with its own session and so its own upstream process.",
    DefaultValueFactory = _ => 6,
};
var output = new Option<FileInfo?>("--output") { Description = "Where to write the report; default bench/results/soak.md in the repository." };
var gatewayLog = new Option<FileInfo?>("--gateway-log") { Description = "Also copy everything the gateway and its upstreams write to this file, to look into a failed check." };
minutes.Validators.Add(r => { if (r.GetValueOrDefault<double>() is < 1 or > 240) { r.AddError("--minutes must be from 1 to 240."); } });
clients.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 32) { r.AddError("--clients must be from 1 to 32."); } });

var root = new RootCommand(
    "Soaks 'gatehouse serve' as a process of its own: mixed MCP load, policy rewrites every 30 s and an upstream killed every minute, " +
    "then a clean stop; reports its memory, descriptors, threads and children over time and checks the audit log against every answered call.")
{
    minutes, clients, output, gatewayLog,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = new SoakSettings { Duration = TimeSpan.FromMinutes(parse.GetValue(minutes)), Clients = parse.GetValue(clients) };
    var path = parse.GetValue(output)?.FullName ?? Path.Combine(RepositoryRoot(), "bench", "results", "soak.md");
    var command = SoakReport.ReproduceCommand + (args.Length > 0 ? " -- " + string.Join(' ', args) : "");
    var started = DateTime.UtcNow;
    void Progress(string message) => Console.Error.WriteLine($"[{(DateTime.UtcNow - started).TotalSeconds,6:0.0} s] {message}");

    var result = await SoakRun.RunAsync(settings, parse.GetValue(gatewayLog), Progress);
    var report = SoakReport.Render(result, command);
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report.Markdown, cancellationToken);
    Console.WriteLine(report.Markdown);
    Progress($"report written to {path}");
    return report.Passed ? 0 : 1;
});
root.Subcommands.Add(MemoryCommand());
return await root.Parse(args).InvokeAsync();

Command MemoryCommand()
{
    var sessions = new Option<int>("--sessions") { Description = "Sessions open at once.", DefaultValueFactory = _ => 1000 };
    var settle = new Option<int>("--settle") { Description = "Seconds to wait after closing every session before the last reading.", DefaultValueFactory = _ => 15 };
    var variants = new Option<string[]>("--variant")
    {
        Description = "A gateway to compare, as 'label:NAME=VALUE,NAME=VALUE' (its environment; an empty value removes one); repeatable. Default: as shipped.",
        AllowMultipleArgumentsPerToken = false,
    };
    var listening = new Option<bool>("--listening")
    {
        Description = "Each session's client also keeps its GET stream open for messages the server sends of its own accord, as the SDKs' clients do.",
    };
    var memoryOutput = new Option<FileInfo?>("--output") { Description = "Where to write the report; default bench/results/memory.md in the repository." };
    sessions.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 20_000) { r.AddError("--sessions must be from 1 to 20000."); } });
    var command = new Command("memory", "Opens many sessions through 'gatehouse serve' to an HTTP upstream and reports its memory at start, with them open and after closing them.")
    {
        sessions, settle, variants, listening, memoryOutput,
    };
    command.SetAction(async (parse, cancellationToken) =>
    {
        var environment = Gatehouse.LoadDriver.RunEnvironment.Capture(TimeProvider.System);
        var path = parse.GetValue(memoryOutput)?.FullName ?? Path.Combine(RepositoryRoot(), "bench", "results", "memory.md");
        var chosen = parse.GetValue(variants) is { Length: > 0 } given ? given.Select(MemoryVariant.Parse).ToList() : [MemoryVariant.AsShipped];
        var results = new List<MemoryResult>();
        foreach (var variant in chosen)
        {
            results.Add(await MemoryRun.RunAsync(variant, parse.GetValue(sessions), parse.GetValue(listening),
                TimeSpan.FromSeconds(parse.GetValue(settle)), Console.Error.WriteLine));
        }

        var reproduce = "dotnet run -c Release --project bench/Gatehouse.Soak -- " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));
        var report = MemoryReport.Render(environment, results, reproduce, Gatehouse.LoadDriver.RunEnvironment.LoadAverage(), KeptFindings(path));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, report, cancellationToken);
        Console.WriteLine(report);
        return 0;
    });
    return command;
}

// What a person wrote about the figures, from the report being replaced: a rerun refreshes the figures, not the findings.
static string KeptFindings(string path)
{
    const string Heading = "## What the figures show";
    var old = File.Exists(path) ? File.ReadAllText(path) : "";
    var at = old.IndexOf(Heading, StringComparison.Ordinal);
    return at < 0 ? "" : old[at..];
}

// The report belongs in the repository, and the soak is started from its root or below it.
static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Gatehouse.slnx")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
