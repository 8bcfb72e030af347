using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Testing;

/// <summary>
/// A <c>redis-server</c> of one test's own, on 127.0.0.1 and a port of its own, that the test can kill and start
/// again on the same port: the shared test Redis must never be stopped under the other tests.
/// </summary>
/// <remarks>It keeps nothing on disk, so a restarted server is an empty one, as after a crash without persistence.</remarks>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(15);

    private readonly string _executable;
    private readonly TestDirectory _directory = new();
    private readonly RecentLines _recent = new();
    private Process? _process;

    private RedisServerProcess(string executable, int port)
    {
        _executable = executable;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server's address as a StackExchange.Redis configuration string starts.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The last lines the server logged, across its restarts, for failure messages.</summary>
    public string RecentOutput => _recent.ToString();

    /// <summary>Starts a server on a free port of 127.0.0.1 and returns once it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">redis-server is not on PATH, or it did not start; the message says why.</exception>
    public static async Task<RedisServerProcess> StartAsync()
    {
        var executable = Locate();
        // Another process may take the free port before the server binds it; a new port is the cure.
        for (var attempt = 1; ; attempt++)
        {
            var redis = new RedisServerProcess(executable, FreeLoopbackPort());
            try
            {
                await redis.StartAgainAsync().ConfigureAwait(false);
                return redis;
            }
            catch (InvalidOperationException) when (attempt < 3 && redis.RecentOutput.Contains("Address already in use", StringComparison.Ordinal))
            {
                await redis.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A port of 127.0.0.1 that nothing listens on now: the one the OS hands out for port 0. It is free again once
    /// the socket is closed, and the OS hands out ports in turn, so it is unlikely to be handed out again at once.
    /// </summary>
    public static int FreeLoopbackPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Starts the server (again) on the same port, and returns once it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException($"redis-server on {Endpoint} is running already.");
        }

        _process?.Dispose();
        var startInfo = new ProcessStartInfo(_executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // No RDB snapshots and no AOF: nothing survives a kill, and nothing is left behind.
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", _directory.Path })
        {
            startInfo.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Receive(e.Data, ready);
        process.ErrorDataReceived += (_, e) => Receive(e.Data, ready);
        process.Exited += (_, _) => ready.TrySetCanceled();
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string failure;
        try
        {
            await ready.Task.WaitAsync(s_startTimeout).ConfigureAwait(false);
            return;
        }
        catch (TimeoutException)
        {
            failure = $"did not accept connections within {s_startTimeout.TotalSeconds:0} s";
            Kill();
        }
        catch (TaskCanceledException)
        {
            failure = $"exited ({process.ExitCode})";
        }

        // The rest of its output, so the message has its last words.
        using var drained = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await process.WaitForExitAsync(drained.Token).ConfigureAwait(false);
        throw new InvalidOperationException($"redis-server on {Endpoint} {failure}. Its last output:\n{RecentOutput}");
    }

    /// <summary>SIGSTOP: connections stay open and nothing answers, the way a hung server or a partition looks.</summary>
    public void Freeze() => ProcessSignals.Send("STOP", _process!.Id);

    /// <summary>SIGCONT: the frozen server answers again.</summary>
    public void Thaw() => ProcessSignals.Send("CONT", _process!.Id);

    /// <summary>SIGKILL: Redis gets no chance to close its connections; clients see them drop. Returns once it is gone.</summary>
    public void Kill()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        _process.Kill();
        if (!_process.WaitForExit(s_exitTimeout))
        {
            throw new InvalidOperationException($"redis-server on {Endpoint} still runs {s_exitTimeout.TotalSeconds:0} s after SIGKILL.");
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Kill();
        }
        finally
        {
            _process?.Dispose();
            _directory.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Receive(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        _recent.Add(line);
        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static string Locate() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "redis-server is not on PATH. Run scripts/start-redis.sh, which installs it from Debian's packages (and starts the shared test Redis).");
}
