using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.LoadDriver;

/// <summary>
/// A proxy the driver compares Gatehouse with, as a process of its own listening on a port: started, drained, and
/// killed with every server it started.
/// </summary>
internal sealed class ProxyProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan s_exitTimeout = TimeSpan.FromSeconds(15);
    private const int KeptLines = 40;

    private readonly Process _process;
    private readonly Queue<string> _recent = new();

    private ProxyProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> and returns once it accepts connections on <paramref name="port"/>.</summary>
    public static async Task<ProxyProcess> StartAsync(string fileName, IReadOnlyList<string> arguments, int port, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            // Held open: supergateway ends when its standard input does, as a stdio tool should.
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var proxy = new ProxyProcess(process);
        // Drained all the time: a proxy blocked on a full pipe would be measured as a slow proxy.
        process.OutputDataReceived += (_, e) => proxy.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => proxy.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(s_startTimeout);
        try
        {
            while (!await AcceptsAsync(port, deadline.Token))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{string.Join(' ', arguments.Take(1))} exited ({process.ExitCode}) before it listened:\n{proxy.RecentOutput}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            }

            return proxy;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await proxy.DisposeAsync();
            throw new InvalidOperationException($"{string.Join(' ', arguments.Take(1))} did not listen on port {port} within {s_startTimeout.TotalSeconds:0} s:\n{proxy.RecentOutput}");
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    private string RecentOutput
    {
        get
        {
            lock (_recent)
            {
                return string.Join('\n', _recent);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var exited = new CancellationTokenSource(s_exitTimeout);
            await _process.WaitForExitAsync(exited.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or its pipes outlived it: nothing is left to wait for.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_recent)
        {
            _recent.Enqueue(line);
            if (_recent.Count > KeptLines)
            {
                _recent.Dequeue();
            }
        }
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
