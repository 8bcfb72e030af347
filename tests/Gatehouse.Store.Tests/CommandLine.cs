using System.ComponentModel;
using System.Diagnostics;

namespace Gatehouse.Store.Tests;

/// <summary>Runs a command-line tool to its end, within a bound, and fails with its error output if it fails.</summary>
internal static class CommandLine
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} could not be started ({e.Message}); scripts/test.sh installs it.", e);
        }

        using (process)
        {
            // Closed at once, so that a tool that wants input ends instead of waiting for it.
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(s_timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{tool} did not finish within {s_timeout.TotalSeconds} s.");
            }

            await output;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{tool} failed with exit code {process.ExitCode}: {await errors}");
            }
        }
    }
}
