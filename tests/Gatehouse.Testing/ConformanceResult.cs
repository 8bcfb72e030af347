using System.Globalization;
using System.Text;

namespace Gatehouse.Testing;

/// <summary>One check as the suite recorded it in checks.json.</summary>
/// <param name="Status">SUCCESS, FAILURE, WARNING, SKIPPED or INFO; only SUCCESS and FAILURE are counted by the suite.</param>
public sealed record ConformanceCheck(string Scenario, string Id, string Name, string Status, string Description, string? ErrorMessage)
{
    /// <summary>Stable across runs, so two runs (direct and through the gateway) can be compared.</summary>
    public string Key => $"{Scenario}/{Id}";

    /// <summary>The check held.</summary>
    public bool Passed => Status == "SUCCESS";

    /// <summary>The check did not hold (a MUST, or a check the scenario could not reach).</summary>
    public bool Failed => Status == "FAILURE";

    /// <summary>A SHOULD that did not hold; the suite counts it neither way.</summary>
    public bool Warned => Status == "WARNING";
}

/// <summary>One scenario of a run and the checks it recorded.</summary>
/// <param name="NotScoredReason">
/// Why the revision runs it without scoring it (<c>extension</c>, <c>pending</c>, <c>added-after-release</c>), or
/// null for a scenario the revision requires.
/// </param>
public sealed record ConformanceScenario(string Name, IReadOnlyList<ConformanceCheck> Checks, string? NotScoredReason = null)
{
    /// <summary>The revision requires it: its failures count against conformance.</summary>
    public bool Scored => NotScoredReason is null;

    public int Passed => Checks.Count(c => c.Passed);
    public int Failed => Checks.Count(c => c.Failed);
    public int Warnings => Checks.Count(c => c.Warned);
}

/// <summary>What one run of the suite at one revision found.</summary>
public sealed class ConformanceResult
{
    public ConformanceResult(string revision, IReadOnlyList<ConformanceScenario> scenarios, int? announcedScenarios, int exitCode,
        string standardOutput, string standardError, TimeSpan duration)
    {
        Revision = revision;
        Scenarios = scenarios;
        AnnouncedScenarios = announcedScenarios;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Duration = duration;
    }

    /// <summary>The revision whose requirements were run, e.g. 2025-11-25.</summary>
    public string Revision { get; }

    public IReadOnlyList<ConformanceScenario> Scenarios { get; }

    /// <summary>How many scenarios the suite said it would run, or null when it never got that far.</summary>
    public int? AnnouncedScenarios { get; }

    /// <summary>The suite exits 1 when a scored check failed, and also when it could not run at all.</summary>
    public int ExitCode { get; }

    public string StandardOutput { get; }
    public string StandardError { get; }
    public TimeSpan Duration { get; }

    public int Passed => Scenarios.Sum(s => s.Passed);
    public int Failed => Scenarios.Sum(s => s.Failed);
    public int Warnings => Scenarios.Sum(s => s.Warnings);

    /// <summary>Checks passed in the scenarios the revision requires: what the suite's own pass rate counts.</summary>
    public int ScoredPassed => Scenarios.Where(s => s.Scored).Sum(s => s.Passed);

    /// <summary>Checks failed in the scenarios the revision requires.</summary>
    public int ScoredFailed => Scenarios.Where(s => s.Scored).Sum(s => s.Failed);

    public IEnumerable<ConformanceCheck> Checks => Scenarios.SelectMany(s => s.Checks);
    public IReadOnlyList<ConformanceCheck> FailedChecks => Checks.Where(c => c.Failed).ToList();
    public IReadOnlyList<ConformanceCheck> ScoredFailedChecks => Scenarios.Where(s => s.Scored).SelectMany(s => s.Checks).Where(c => c.Failed).ToList();

    /// <summary>
    /// The checks every occurrence of which passed. Some ids recur within a scenario (a check per header, per
    /// round): one failed occurrence means the check did not pass, as the suite's own baselines judge it.
    /// </summary>
    public IReadOnlySet<string> PassedCheckKeys =>
        Checks.GroupBy(c => c.Key).Where(g => g.All(c => c.Passed)).Select(g => g.Key).ToHashSet();

    /// <summary>A per-scenario report for test output; <paramref name="label"/> names the run, e.g. "direct".</summary>
    public string Describe(string label)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Conformance run '{Revision} {label}': {Passed} checks passed, {Failed} failed, {Warnings} warnings; scored: {ScoredPassed} passed, {ScoredFailed} failed; " +
            $"{Scenarios.Count} scenarios ({Scenarios.Count(s => s.Scored)} scored), exit code {ExitCode}, {Duration.TotalSeconds:F1} s");
        foreach (var scenario in Scenarios)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture,
                $"  {(scenario.Failed == 0 ? "ok  " : "FAIL")} {scenario.Name}{(scenario.Scored ? "" : $" (not scored: {scenario.NotScoredReason})")}: " +
                $"passed={scenario.Passed} failed={scenario.Failed} warnings={scenario.Warnings}");
            foreach (var check in scenario.Checks.Where(c => c.Failed || c.Warned))
            {
                text.AppendLine();
                text.Append(CultureInfo.InvariantCulture,
                    $"       {check.Status} {check.Id}: {(check.ErrorMessage ?? check.Description).ReplaceLineEndings("\n         ")}");
            }
        }
        return text.ToString();
    }
}
