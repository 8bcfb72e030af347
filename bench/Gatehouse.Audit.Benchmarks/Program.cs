using System.CommandLine;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using Gatehouse.Audit.Benchmarks;
using Npgsql;

// Reproduce bench/results/audit-append.md from the repository root with:
//   dotnet run -c Release --project bench/Gatehouse.Audit.Benchmarks -- --postgres "Host=127.0.0.1;Port=5433;Username=gatehouse;Password=gatehouse"

var writers = new Option<int>("--writers") { Description = "Concurrent writers, each awaiting RecordAsync in a loop.", DefaultValueFactory = _ => 64 };
var identities = new Option<int?>("--identities") { Description = "Distinct caller identities among the writers; default one per writer." };
var warmup = new Option<int>("--warmup") { Description = "Records written before the measurement.", DefaultValueFactory = _ => 20_000 };
var records = new Option<int>("--records") { Description = "Records measured, shared among the writers.", DefaultValueFactory = _ => 200_000 };
var dir = new Option<DirectoryInfo?>("--dir")
{
    Description = "Where the SQLite file goes (a directory of its own is made and removed inside); default artifacts/ in the repository, on its disk rather than a tmpfs /tmp.",
};
var postgres = new Option<string?>("--postgres")
{
    Description = "Also measure PostgreSQL: a server connection string whose user may create databases (one is created and dropped).",
};
writers.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 4096) { r.AddError("--writers must be 1 to 4096."); } });
identities.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) { r.AddError("--identities must be at least 1."); } });
warmup.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0) { r.AddError("--warmup must not be negative."); } });
records.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1) { r.AddError("--records must be at least 1."); } });

var root = new RootCommand("Measures durable audit appends per second through group commit into the Gatehouse store.")
{
    writers, identities, warmup, records, dir, postgres,
};
root.SetAction(async (parse, cancellationToken) =>
{
    var settings = new AppendBenchmark.Settings(parse.GetValue(writers), parse.GetValue(identities) ?? parse.GetValue(writers),
        parse.GetValue(warmup), parse.GetValue(records));
    var parent = parse.GetValue(dir)?.FullName ?? Path.Combine(RepositoryRoot(), "artifacts");
    await RunAsync(settings, parent, parse.GetValue(postgres), cancellationToken);
});
return await root.Parse(args).InvokeAsync();

static async Task RunAsync(AppendBenchmark.Settings settings, string parent, string? postgres, CancellationToken cancellationToken)
{
    var loadBefore = LoadAverage();
    void Progress(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
    var results = new List<(AppendBenchmark.Result Result, string Where)>();

    var dataDir = Path.Combine(parent, $"audit-bench-{Guid.NewGuid():N}");
    Directory.CreateDirectory(dataDir);
    try
    {
        var result = await AppendBenchmark.RunAsync("SQLite", o => o.DataDir = dataDir, settings, Progress, cancellationToken);
        results.Add((result, $"{dataDir} ({FileSystemOf(dataDir)}), WAL, synchronous=FULL"));
    }
    finally
    {
        Directory.Delete(dataDir, recursive: true);
    }

    if (postgres is not null)
    {
        var database = new NpgsqlConnectionStringBuilder(postgres) { Database = $"gatehouse_bench_{Guid.NewGuid():N}" };
        await ExecuteOnServerAsync(postgres, $"CREATE DATABASE {database.Database};", cancellationToken);
        try
        {
            var result = await AppendBenchmark.RunAsync("PostgreSQL", o => o.PostgresConnectionString = database.ConnectionString, settings,
                Progress, cancellationToken);
            results.Add((result, $"{database.Host}:{database.Port}, server {await DurabilityAsync(postgres, cancellationToken)}"));
        }
        finally
        {
            await ExecuteOnServerAsync(postgres, $"DROP DATABASE IF EXISTS {database.Database} WITH (FORCE);", CancellationToken.None);
        }
    }

    Console.WriteLine($"- Processors (nproc): {Environment.ProcessorCount}");
    Console.WriteLine($"- CPU: {CpuModel()}");
    Console.WriteLine($"- OS: {RuntimeInformation.OSDescription}");
    Console.WriteLine($"- .NET: {RuntimeInformation.FrameworkDescription}, GC {(GCSettings.IsServerGC ? "server" : "workstation")}");
    Console.WriteLine($"- Load average before / after: {loadBefore} / {LoadAverage()}");
    Console.WriteLine($"- Settings: {settings.Writers} writers naming {settings.Identities} identities; {settings.WarmupRecords} warm-up records, then {settings.Records} measured");
    Console.WriteLine();
    Console.WriteLine("| Store | Where | Records/s | CPU µs per record | RecordAsync p50 / p99 / max (ms) | Commits | Records per commit mean / p50 / p99 / max | Commit p50 / p99 (ms) | Chain |");
    Console.WriteLine("|---|---|---:|---:|---|---:|---|---|---|");
    foreach (var (r, where) in results)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Store} | {where} | {r.RecordsPerSecond:N0} | {r.CpuMicrosecondsPerRecord:0.0} | {r.LatencyMicroseconds.P50 / 1000:0.00} / {r.LatencyMicroseconds.P99 / 1000:0.00} / {r.LatencyMicroseconds.Max / 1000:0.0} " +
            $"| {r.Commits:N0} | {r.CommitRecords.Mean:0.0} / {r.CommitRecords.P50:0} / {r.CommitRecords.P99:0} / {r.CommitRecords.Max:0} " +
            $"| {r.CommitMicroseconds.P50 / 1000:0.00} / {r.CommitMicroseconds.P99 / 1000:0.00} | {(r.Verified ? "verified" : "BROKEN: " + r.Problem)} |"));
    }
}

static async Task ExecuteOnServerAsync(string connectionString, string sql, CancellationToken cancellationToken)
{
    await using var connection = await OpenServerAsync(connectionString, cancellationToken);
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync(cancellationToken);
}

// What a PostgreSQL number means depends on these: a test server that does not sync measures no disk.
static async Task<string> DurabilityAsync(string connectionString, CancellationToken cancellationToken)
{
    await using var connection = await OpenServerAsync(connectionString, cancellationToken);
    await using var command = new NpgsqlCommand(
        "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit');", connection);
    return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
}

static async Task<NpgsqlConnection> OpenServerAsync(string connectionString, CancellationToken cancellationToken)
{
    var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false }.ConnectionString);
    try
    {
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
    catch
    {
        await connection.DisposeAsync();
        throw;
    }
}

// The file system the SQLite file is on: what an fsync costs depends on it.
static string FileSystemOf(string path)
{
    var mounts = File.Exists("/proc/mounts") ? File.ReadAllLines("/proc/mounts") : [];
    var best = mounts.Select(line => line.Split(' '))
        .Where(f => f.Length > 2 && (path == f[1] || path.StartsWith(f[1].TrimEnd('/') + "/", StringComparison.Ordinal)))
        .MaxBy(f => f[1].Length);
    return best is null ? "file system unknown" : $"{best[2]} on {best[0]}";
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string CpuModel() =>
    (File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null) ?? RuntimeInformation.ProcessArchitecture.ToString();

// The default directory belongs in the repository whatever directory the driver is started from.
static string RepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gatehouse.slnx")))
            {
                return directory.FullName;
            }
        }
    }

    return Directory.GetCurrentDirectory();
}
