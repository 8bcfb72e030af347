using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Gatehouse.Testing;

/// <summary>
/// Runs the official MCP conformance suite (<c>@modelcontextprotocol/conformance server --requirements REVISION</c>)
/// against a Streamable HTTP URL and reads back what every scenario and check found.
/// </summary>
/// <remarks>
/// Results come from the checks.json that the suite writes per scenario with <c>-o</c>, which holds
/// every check with its status; the scenario list, which scenarios are scored and the number the revision
/// requires come from the suite's stdout, because a scenario that crashed is reported there but writes no
/// checks.json.
/// </remarks>
public sealed partial class ConformanceSuite(ConformanceTools tools)
{
    /// <summary>The stateful revision: initialize handshake, sessions.</summary>
    public const string Revision20251125 = "2025-11-25";

    /// <summary>The stateless revision: no initialize, per-request <c>_meta</c>, input-required results.</summary>
    public const string Revision20260728 = "2026-07-28";

    /// <summary>A whole run at one revision; the suite's own per-scenario timeout is 30 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    public static ConformanceSuite Locate() => new(ConformanceTools.Locate());

    /// <summary>
    /// Runs exactly the scenarios that <paramref name="revision"/> requires, on that revision's wire, plus those it
    /// runs without scoring (extensions, pending ones), as <c>--requirements</c> defines them.
    /// </summary>
    public async Task<ConformanceResult> RunAsync(
        Uri serverUrl,
        string revision,
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
            foreach (var arg in new[] { tools.SuiteCli, "server", "--url", serverUrl.ToString(), "--requirements", revision, "-o", resultsDir.FullName })
            {
                startInfo.ArgumentList.Add(arg);
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
            var errors = await stderr;
            var announced = ScenarioCount().Match(output);
            return new ConformanceResult(
                revision,
                ReadScenarios(resultsDir.FullName, output, errors),
                announced.Success ? int.Parse(announced.Groups["count"].Value, CultureInfo.InvariantCulture) : null,
                process.ExitCode,
                output,
                errors,
                stopwatch.Elapsed);
        }
        finally
        {
            resultsDir.Delete(recursive: true);
        }
    }

    private static List<ConformanceScenario> ReadScenarios(string resultsDir, string stdout, string stderr)
    {
        var checks = new Dictionary<string, List<ConformanceCheck>>();
        foreach (var dir in Directory.EnumerateDirectories(resultsDir))
        {
            var match = ResultDirName().Match(Path.GetFileName(dir));
            var checksFile = Path.Combine(dir, "checks.json");
            if (match.Success && File.Exists(checksFile))
            {
                var name = match.Groups["scenario"].Value;
                checks[name] = ReadChecks(name, checksFile);
            }
        }

        // Only the lines after this header name scenarios that are run without being scored.
        var notScoredAt = stdout.IndexOf("\nNot scored for ", StringComparison.Ordinal);
        var notScored = notScoredAt < 0
            ? []
            : NotScoredLine().Matches(stdout[notScoredAt..]).ToDictionary(m => m.Groups["scenario"].Value, m => m.Groups["reason"].Value);
        var crashes = CrashLine().Matches(stderr)
            .GroupBy(m => m.Groups["scenario"].Value)
            .ToDictionary(g => g.Key, g => CrashError(stderr, g.First()));

        var summarized = SummaryLine().Matches(stdout).Select(m => m.Groups["scenario"].Value).Distinct().ToList();
        var names = summarized.Concat(checks.Keys.Where(name => !summarized.Contains(name)));
        return names
            .Select(name => new ConformanceScenario(
                name,
                checks.GetValueOrDefault(name) ?? Crashed(name, crashes.GetValueOrDefault(name)),
                notScored.GetValueOrDefault(name)))
            .ToList();
    }

    private static List<ConformanceCheck> Crashed(string name, string? error) =>
    [
        new ConformanceCheck(name, name, name, "FAILURE", "Failed to run scenario",
            $"The scenario threw before recording its checks: {error ?? "see the suite's stderr"}"),
    ];

    // "fetch failed" alone says little; the stack that follows ends with its cause ("[cause]: Error: connect
    // ECONNREFUSED ..."), which says what went wrong.
    private static string CrashError(string stderr, Match crash)
    {
        var next = stderr.IndexOf("\nFailed to run scenario ", crash.Index + crash.Length, StringComparison.Ordinal);
        var block = stderr[(crash.Index + crash.Length)..(next < 0 ? stderr.Length : next)];
        var cause = CauseLine().Match(block);
        return cause.Success ? $"{crash.Groups["error"].Value} ({cause.Groups["cause"].Value})" : crash.Groups["error"].Value;
    }

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

    // Under "Not scored for 2026-07-28: ...": "  ✗ tasks-lifecycle (extension)".
    [GeneratedRegex(@"^  [✓✗] (?<scenario>\S+) \((?<reason>[^)]+)\)$", RegexOptions.Multiline)]
    private static partial Regex NotScoredLine();

    // "Running requirements 2026-07-28 (50 scenarios) against http://..."
    [GeneratedRegex(@"^Running requirements \S+ \((?<count>\d+) scenarios\)", RegexOptions.Multiline)]
    private static partial Regex ScenarioCount();

    // "Failed to run scenario tasks-capability-negotiation: TypeError: fetch failed" on stderr.
    [GeneratedRegex(@"^Failed to run scenario (?<scenario>\S+): (?<error>.*)$", RegexOptions.Multiline)]
    private static partial Regex CrashLine();

    [GeneratedRegex(@"^\s*\[cause\]: (?<cause>.*)$", RegexOptions.Multiline)]
    private static partial Regex CauseLine();
}
