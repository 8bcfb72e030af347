using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Gatehouse.Testing;

/// <summary>An ES module script run by the pinned Node, whose last line of output is a JSON report of what it saw.</summary>
public static class NodeScript
{
    /// <summary>
    /// Runs <paramref name="script"/> with <paramref name="environment"/>, from the folder the Node tools are installed in
    /// (so its bare imports resolve), and returns its report; fails naming <paramref name="what"/> when it fails, prints
    /// no report, or runs longer than <paramref name="limit"/>.
    /// </summary>
    public static async Task<JsonNode> RunAsync(string script, IReadOnlyDictionary<string, string> environment, TimeSpan limit, string what)
    {
        var tools = NodeTools.Locate();
        var startInfo = new ProcessStartInfo(tools.Node)
        {
            WorkingDirectory = tools.ModulesRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        foreach (var arg in new[] { "--input-type=module", "-e", script })
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {tools.Node}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().ConfigureAwait(false);
            throw new TimeoutException($"{what} did not finish within {limit.TotalSeconds:0} s:\n{await stderr.ConfigureAwait(false)}\n{await stdout.ConfigureAwait(false)}");
        }

        var output = await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit code {process.ExitCode}):\n{await stderr.ConfigureAwait(false)}\n{output}");
        }

        // The report is the last line; the SDK may have printed warnings before it.
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return JsonNode.Parse(last ?? "null") ?? throw new InvalidOperationException($"{what} printed no report:\n{await stderr.ConfigureAwait(false)}\n{output}");
    }
}
