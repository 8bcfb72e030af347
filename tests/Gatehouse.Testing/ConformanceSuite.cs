using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Testing;

/// <summary>
/// Runs the official MCP conformance suite (<c>@modelcontextprotocol/conformance server</c>) against a
/// Streamable HTTP URL and reads back what every scenario and check found.
/// </summary>
/// <remarks>
/// Results come from the checks.json that the suite writes per scenario with <c>-o</c>, which holds
/// every check with its status; the scenario list comes from the suite's summary on stdout, because a
/// scenario that crashed is reported there but writes no checks.json.
/// </remarks>
public sealed partial class ConformanceSuite(NodeTools tools)
{
    /// <summary>
    /// "all" adds the suite's pending scenarios (json-schema-2020-12, server-sse-polling) to the
    /// default "active" ones: both test what a relay can break (schema keywords, stream resumption).
    /// </summary>
    public const string DefaultSuite = "all";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static ConformanceSuite Locate() => new(NodeTools.Locate());

    /// <param name="suite">The suite's --suite: "active", "all" or "pending".</param>
    /// <param name="scenario">Runs only this scenario when set (the suite then prints no summary).</param>
    public async Task<ConformanceResult> RunAsync(
        Uri serverUrl,
        string suite = DefaultSuite,
        string? scenario = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var resultsDir = Directory.CreateTempSubdirectory("gatehouse-conformance-");
        try
        {
            var startInfo = new ProcessStartInfo(tools.Node)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = resultsDir.FullName,
            };
            foreach (var arg in new[] { tools.ConformanceCli, "server", "--url", serverUrl.ToString(), "-o", resultsDir.FullName })
            {
                startInfo.ArgumentList.Add(arg);
            }
            if (scenario is null)
            {
                startInfo.ArgumentList.Add("--suite");
                startInfo.ArgumentList.Add(suite);
            }
            else
            {
                startInfo.ArgumentList.Add("--scenario");
                startInfo.ArgumentList.Add(scenario);
            }

            var stopwatch = Stopwatch.StartNew();
            using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {tools.Node}.");
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout ?? DefaultTimeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                throw new TimeoutException(
                    $"The conformance suite did not finish within {timeout ?? DefaultTimeout}. Its output so far:\n{await stdout}\n{await stderr}");
            }

            var output = await stdout;
            return new ConformanceResult(ReadScenarios(resultsDir.FullName, output), process.ExitCode, output, await stderr, stopwatch.Elapsed);
        }
        finally
        {
            resultsDir.Delete(recursive: true);
        }
    }

    private static List<ConformanceScenario> ReadScenarios(string resultsDir, string stdout)
    {
        var fromFiles = new Dictionary<string, ConformanceScenario>();
        foreach (var dir in Directory.EnumerateDirectories(resultsDir))
        {
            var match = ResultDirName().Match(Path.GetFileName(dir));
            var checksFile = Path.Combine(dir, "checks.json");
            if (match.Success && File.Exists(checksFile))
            {
                var name = match.Groups["scenario"].Value;
                fromFiles[name] = new ConformanceScenario(name, ReadChecks(name, checksFile));
            }
        }

        var summarized = SummaryLine().Matches(stdout).Select(m => m.Groups["scenario"].Value).ToList();
        var scenarios = summarized
            .Select(name => fromFiles.GetValueOrDefault(name) ?? Crashed(name))
            .ToList();
        // A single --scenario run prints no summary; its checks.json is then the only record.
        scenarios.AddRange(fromFiles.Values.Where(s => !summarized.Contains(s.Name)));
        return scenarios;
    }

    private static ConformanceScenario Crashed(string name) => new(name,
    [
        new ConformanceCheck(name, name, name, "FAILURE", "Failed to run scenario",
            "The scenario threw before recording its checks; the suite's stderr has the error."),
    ]);

    private static List<ConformanceCheck> ReadChecks(string scenario, string checksFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(checksFile));
        return document.RootElement.EnumerateArray()
            .Select(check => new ConformanceCheck(
                scenario,
                GetString(check, "id") ?? "",
                GetString(check, "name") ?? "",
                GetString(check, "status") ?? "",
                GetString(check, "description") ?? "",
                GetString(check, "errorMessage")))
            .ToList();
    }

    private static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // The suite names each result directory server-<scenario>-<ISO timestamp with ':' and '.' as '-'>.
    [GeneratedRegex(@"^server-(?<scenario>.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$")]
    private static partial Regex ResultDirName();

    // Summary lines look like "✓ tools-list: 1 passed, 0 failed" (✗ when a check failed).
    [GeneratedRegex(@"^[✓✗] (?<scenario>\S+): \d+ passed, \d+ failed$", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();
}
