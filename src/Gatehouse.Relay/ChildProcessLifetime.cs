using System.Collections.Concurrent;

namespace Gatehouse.Relay;

/// <summary>
/// Ties a stdio server's life to Gatehouse's: when Gatehouse dies, even by SIGKILL, the kernel kills its servers.
/// </summary>
/// <remarks>
/// On Linux the server is started through <c>setpriv --pdeathsig KILL</c>. The kernel sends that signal when the
/// <em>thread</em> that started the process ends, not the process, so every server is started from one thread
/// that lives as long as Gatehouse. Elsewhere, or without setpriv, a server outlives a killed Gatehouse only
/// until it notices its standard input close, as MCP's stdio transport expects it to.
/// </remarks>
internal static class ChildProcessLifetime
{
    private static readonly string? s_setpriv = OperatingSystem.IsLinux() && File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv" : null;
    private static readonly BlockingCollection<Action> s_starts = [];
    private static readonly Lazy<Thread> s_starter = new(() =>
    {
        var thread = new Thread(() =>
        {
            foreach (var start in s_starts.GetConsumingEnumerable())
            {
                start();
            }
        })
        {
            IsBackground = true,
            Name = "Gatehouse upstream starter",
        };
        thread.Start();
        return thread;
    });

    /// <summary>The command line that starts <paramref name="command"/> tied to Gatehouse's life.</summary>
    public static (string Command, IList<string> Arguments) Wrap(string command, IEnumerable<string> arguments) =>
        s_setpriv is null
            ? (command, [.. arguments])
            : (s_setpriv, ["--pdeathsig", "KILL", "--", command, .. arguments]);

    /// <summary>Runs <paramref name="start"/>, whose synchronous part starts the process, on the long-lived starter thread.</summary>
    public static Task<T> StartAsync<T>(Func<Task<T>> start)
    {
        if (s_setpriv is null)
        {
            return start();
        }

        _ = s_starter.Value;
        var started = new TaskCompletionSource<Task<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        s_starts.Add(() =>
        {
            try
            {
                started.SetResult(start());
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        });
        return started.Task.Unwrap();
    }
}
