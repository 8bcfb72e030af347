using System.Diagnostics;

namespace Gatehouse.Testing;

/// <summary>
/// The conformance suite's reference server (tests/conformance-reference-server) as a Node process of its own, on
/// 127.0.0.1 with a port the kernel picked: the upstream whose conformance the suite itself vouches for.
/// </summary>
/// <remarks>
/// Its stdout and stderr are drained all the time, so it never blocks on a full pipe, and their last lines are
/// kept for failure messages (<see cref="RecentOutput"/>).
/// </remarks>
public sealed class ReferenceServerProcess : IAsyncDisposable
{
    /// <summary>Long enough for Node to load the server and the SDK on a busy 2-core machine.</summary>
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(30);

    // Printed by listen-on-loopback.mjs once the server listens.
    private const string ListeningPrefix = "reference server listening on ";

    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly RecentLines _recent = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReferenceServerProcess(Process process) => _process = process;

    /// <summary>The Streamable HTTP endpoint, e.g. <c>http://127.0.0.1:41234/mcp</c>.</summary>
    public Uri McpUrl { get; private set; } = null!;

    /// <summary>The last lines the server wrote to stdout and stderr, oldest first, for failure messages.</summary>
    public string RecentOutput => _recent.ToString();

    /// <summary>Starts the server and returns once it listens.</summary>
    /// <exception cref="InvalidOperationException">It exited, or did not listen within <paramref name="startTimeout"/>; the message has its last output.</exception>
    public static async Task<ReferenceServerProcess> StartAsync(ConformanceTools tools, TimeSpan? startTimeout = null)
    {
        var startInfo = new ProcessStartInfo(tools.Node)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(tools.ReferenceServer),
        };
        foreach (var arg in new[] { "--import", tools.LoopbackPreload, tools.ReferenceServer })
        {
            startInfo.ArgumentList.Add(arg);
        }

        // The server reads no other setting; 0 lets the kernel pick a free port, which the preload reports.
        startInfo.Environment["PORT"] = "0";

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var server = new ReferenceServerProcess(process);
        process.OutputDataReceived += (_, e) => server.Receive(e.Data, stderr: false);
        process.ErrorDataReceived += (_, e) => server.Receive(e.Data, stderr: true);
        process.Exited += (_, _) => server._listening.TrySetCanceled();

        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {tools.Node} {tools.ReferenceServer}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timeout = startTimeout ?? DefaultStartTimeout;
        string failure;
        try
        {
            var baseUrl = await server._listening.Task.WaitAsync(timeout).ConfigureAwait(false);
            server.McpUrl = new Uri(baseUrl, "/mcp");
            return server;
        }
        catch (TimeoutException)
        {
            failure = $"did not report its address within {timeout.TotalSeconds:0} s";
        }
        catch (TaskCanceledException)
        {
            failure = $"exited ({process.ExitCode}) without listening";
        }

        await server.DisposeAsync().ConfigureAwait(false);
        throw new InvalidOperationException($"The conformance reference server {failure}. Its last output:\n{server.RecentOutput}");
    }

    /// <summary>Kills the server if it still runs.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var exited = new CancellationTokenSource(s_exitTimeout);
            await _process.WaitForExitAsync(exited.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Never started, or still dying after SIGKILL: nothing more a test can do about it.
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
        if (!stderr && line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line[ListeningPrefix.Length..].Trim()));
        }
    }
}
