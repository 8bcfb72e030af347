using System.Diagnostics;
using System.Globalization;

namespace Gatehouse.Testing;

/// <summary>
/// A PostgreSQL cluster of one test's own, on 127.0.0.1 and a port of its own, that the test can kill, start again,
/// or freeze (SIGSTOP, the way a stuck disk or a network partition looks): the shared test PostgreSQL must never be
/// stopped under the other tests.
/// </summary>
/// <remarks>Run as root, as CI and the developers' machines do: the server itself runs as the postgres user.</remarks>
public sealed class PostgresServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _directory;

    private PostgresServerProcess(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A connection string for the store (the cluster trusts loopback connections; it is a test's own).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    private string Data => Path.Combine(_directory, "data");

    /// <summary>Creates a cluster in a new folder and starts it; returns once it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed, or did not start; the message says why.</exception>
    public static async Task<PostgresServerProcess> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderBy(b => b, StringComparer.Ordinal).LastOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed. Run scripts/start-postgres.sh, which installs it from Debian's packages.");
        }

        var directory = Directory.CreateTempSubdirectory("gatehouse-pg-").FullName;
        var server = new PostgresServerProcess(bin, directory, RedisServerProcess.FreeLoopbackPort());
        await RunAsync("chown", "postgres:postgres", directory).ConfigureAwait(false);
        await server.AsServerAsync("initdb", "-D", server.Data, "-U", "postgres", "-E", "UTF8", "--no-locale", "--auth=trust").ConfigureAwait(false);
        await File.AppendAllTextAsync(Path.Combine(server.Data, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {server.Port}
            unix_socket_directories = '{directory}'
            fsync = off
            synchronous_commit = off
            """).ConfigureAwait(false);
        await server.StartAgainAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts the server (again) on the same port; returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        try
        {
            await AsServerAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start").ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\nIts log:\n{RecentOutput}", e);
        }
    }

    /// <summary>SIGKILL to the server and every backend: connections drop at once, as in a crash.</summary>
    public async Task KillAsync()
    {
        var processes = Processes();
        ProcessSignals.Send("KILL", processes);
        var deadline = DateTime.UtcNow + s_timeout;
        while (processes.Any(IsAlive))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"PostgreSQL on port {Port} still runs {s_timeout.TotalSeconds:0} s after SIGKILL.");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        // Its lock files name a process that is gone, but may linger as a zombie that a new server would take for
        // itself still running; the cluster is this test's own, so they go.
        File.Delete(Path.Combine(Data, "postmaster.pid"));
        File.Delete(Path.Combine(_directory, $".s.PGSQL.{Port}.lock"));
    }

    /// <summary>SIGSTOP to the server and every backend: connections stay open and nothing answers.</summary>
    public void Freeze() => ProcessSignals.Send("STOP", Processes());

    /// <summary>SIGCONT: the frozen server answers again.</summary>
    public void Thaw() => ProcessSignals.Send("CONT", Processes());

    /// <summary>The last lines of the server's log, for failure messages.</summary>
    public string RecentOutput
    {
        get
        {
            var log = Path.Combine(_directory, "server.log");
            return File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(20)) : "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Thaw();
            await KillAsync().ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    // The postmaster (first line of its pid file) and its children, the backends and helpers.
    private List<int> Processes()
    {
        var pidFile = Path.Combine(Data, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).First(), NumberStyles.None, CultureInfo.InvariantCulture, out var postmaster))
        {
            return [];
        }

        var children = Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == postmaster);
        return [postmaster, .. children];
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/PID/stat: "pid (comm) state ppid ...", where comm may hold spaces but ends at the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            // A zombie (state Z) has exited; only its parent has not reaped it yet.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private Task AsServerAsync(string tool, params string[] args) =>
        RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]);

    private static async Task RunAsync(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(s_timeout).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {string.Join(' ', args)}' failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
