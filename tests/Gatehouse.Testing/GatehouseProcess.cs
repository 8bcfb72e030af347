using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol.Client;

namespace Gatehouse.Testing;

/// <summary>
/// <c>gatehouse serve</c> as a process of its own, on 127.0.0.1 with a port of its own: what an operator runs,
/// for tests that need a real process boundary (several replicas, a gateway killed mid-work, a restart).
/// </summary>
/// <remarks>
/// Its stdout and stderr are drained all the time, so the gateway never blocks on a full pipe, and their last
/// lines are kept for failure messages (<see cref="RecentOutput"/>).
/// </remarks>
public sealed class GatehouseProcess : IAsyncDisposable
{
    /// <summary>Long enough for 'dotnet gatehouse.dll' to start and load its configuration on a busy 2-core machine.</summary>
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(60);

    private const string ListenPrefix = "Gatehouse listens on ";
    private const string DemoUrlPrefix = "Gateway URL:";

    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly RecentLines _recent = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatehouseProcess(Process process) => _process = process;

    /// <summary>The address the gateway reported once it listened.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The process id of the gateway (not of its upstreams).</summary>
    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the gateway wrote to stdout and stderr, oldest first, for failure messages.</summary>
    public string RecentOutput => _recent.ToString();

    /// <summary>
    /// Raised for each line the gateway writes to stdout or stderr from now on, on the thread that drains it: for a
    /// caller that counts what the gateway logs over a run longer than <see cref="RecentOutput"/> holds.
    /// </summary>
    public event Action<string>? OutputLine;

    public Uri McpUrl(string server) => new(BaseUrl, $"/mcp/{server}");

    /// <summary>
    /// Starts <c>dotnet gatehouse.dll serve --config <paramref name="configPath"/> --listen http://127.0.0.1:0</c>
    /// and returns once it reports the address it listens on.
    /// </summary>
    /// <param name="environment">Variables to set (or, when null, remove) in the gateway's environment, which its upstreams inherit.</param>
    /// <param name="assembly">The gatehouse.dll to run; default the one built with the tests.</param>
    /// <exception cref="InvalidOperationException">It exited, or did not listen within <paramref name="startTimeout"/>; the message has its last output.</exception>
    public static Task<GatehouseProcess> StartAsync(string configPath, IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? startTimeout = null, string? assembly = null) =>
        StartAsync(["serve", "--config", configPath, "--listen", "http://127.0.0.1:0"], environment, startTimeout, assembly);

    /// <summary>
    /// Starts <c>dotnet gatehouse.dll</c> with <paramref name="arguments"/> (a command that runs a gateway, such as
    /// <c>serve</c> or <c>demo</c>, listening on port 0) and returns once it reports the address it listens on.
    /// </summary>
    public static async Task<GatehouseProcess> StartAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? startTimeout = null, string? assembly = null)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { assembly ?? Upstreams.GatehouseAssembly }.Concat(arguments))
        {
            startInfo.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var gatehouse = new GatehouseProcess(process);
        process.OutputDataReceived += (_, e) => gatehouse.Receive(e.Data, stderr: false);
        process.ErrorDataReceived += (_, e) => gatehouse.Receive(e.Data, stderr: true);
        process.Exited += (_, _) => gatehouse._listening.TrySetCanceled();

        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start 'dotnet gatehouse.dll serve'.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timeout = startTimeout ?? DefaultStartTimeout;
        string failure;
        try
        {
            gatehouse.BaseUrl = await gatehouse._listening.Task.WaitAsync(timeout).ConfigureAwait(false);
            return gatehouse;
        }
        catch (TimeoutException)
        {
            failure = $"did not report its address within {timeout.TotalSeconds:0} s";
        }
        catch (TaskCanceledException)
        {
            failure = $"exited ({process.ExitCode}) without listening";
        }

        // Disposing waits for the end of its output, so the message has its last words.
        await gatehouse.DisposeAsync().ConfigureAwait(false);
        throw new InvalidOperationException($"gatehouse {arguments[0]} {failure}. Its last output:\n{gatehouse.RecentOutput}");
    }

    /// <summary>Connects a real MCP client (the SDK's, over Streamable HTTP) to <paramref name="server"/> through this gateway.</summary>
    public Task<McpClient> ConnectAsync(string server, McpClientOptions? options = null, string? bearer = null)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = McpUrl(server),
            AdditionalHeaders = bearer is null ? null : new Dictionary<string, string> { ["Authorization"] = $"Bearer {bearer}" },
        });
        return McpClient.CreateAsync(transport, options);
    }

    /// <summary>
    /// SIGKILL, as the OOM killer would send: the gateway gets no chance to stop its children or flush anything.
    /// Its upstreams are left to fend for themselves. Returns once the gateway is gone.
    /// </summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false);
        if (!_process.WaitForExit(s_exitTimeout))
        {
            throw new InvalidOperationException($"gatehouse serve (pid {Id}) still runs {s_exitTimeout.TotalSeconds:0} s after SIGKILL.");
        }
    }

    /// <summary>
    /// SIGTERM, as a service manager stops it: the gateway gets to close its sessions, stop its upstreams and
    /// commit its audit log. Returns its exit code once it is gone.
    /// </summary>
    /// <exception cref="TimeoutException">It still runs after <paramref name="timeout"/>.</exception>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync().ConfigureAwait(false);
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"gatehouse (pid {Id}) still runs {timeout.TotalSeconds:0} s after SIGTERM.");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the gateway and every process it started, if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit(s_exitTimeout);
            // The rest of its output, for RecentOutput; an upstream that outlived it may hold the pipes open.
            using var drained = new CancellationTokenSource(s_drainTimeout);
            await _process.WaitForExitAsync(drained.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Never started, or its pipes outlived it: either way nothing is left to wait for.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Receive(string? line, bool stderr)
    {
        if (line is null)
        {
            return;
        }

        _recent.Add(stderr ? line : $"[stdout] {line}");
        OutputLine?.Invoke(line);

        // One line per address ("...; servers: ..."): the first is the one to use. The demo prints its server's
        // URL instead.
        if (stderr && line.StartsWith(ListenPrefix, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line[ListenPrefix.Length..].Split(';')[0]));
        }
        else if (!stderr && line.TrimStart().StartsWith(DemoUrlPrefix, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(new Uri(line.TrimStart()[DemoUrlPrefix.Length..].Trim()), "/"));
        }
    }
}
