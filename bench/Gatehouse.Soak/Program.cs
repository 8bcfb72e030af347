using System.CommandLine;
using Gatehouse.Soak;

// Reproduce bench/results/soak.md from the repository root with:
//   dotnet run -c Release --project bench/Gatehouse.Soak -- --minutes 10

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
return await root.Parse(args).InvokeAsync();

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
