using System.Globalization;
using System.Text;

namespace Gatehouse.Testing;

/// <summary>One check as the suite recorded it in checks.json.</summary>
/// <param name="Status">SUCCESS, FAILURE, WARNING, SKIPPED or INFO; only SUCCESS and FAILURE are counted by the suite.</param>
public sealed record ConformanceCheck(string Scenario, string Id, string Name, string Status, string Description, string? ErrorMessage)
{
    /// <summary>Stable across runs, so two runs (direct and through the gateway) can be compared.</summary>
    public string Key => $"{Scenario}/{Id}";

    public bool Passed => Status == "SUCCESS";
    public bool Failed => Status == "FAILURE";
    public bool Warned => Status == "WARNING";
}

public sealed record ConformanceScenario(string Name, IReadOnlyList<ConformanceCheck> Checks)
{
    public int Passed => Checks.Count(c => c.Passed);
    public int Failed => Checks.Count(c => c.Failed);
    public int Warnings => Checks.Count(c => c.Warned);
}

public sealed class ConformanceResult
{
    public ConformanceResult(IReadOnlyList<ConformanceScenario> scenarios, int exitCode, string standardOutput, string standardError, TimeSpan duration)
    {
        Scenarios = scenarios;
        ExitCode = exitCode;
        StandardOutput = standardOutput;
        StandardError = standardError;
        Duration = duration;
    }

    public IReadOnlyList<ConformanceScenario> Scenarios { get; }

    /// <summary>The suite exits 1 when any check failed, and also when it could not run at all.</summary>
    public int ExitCode { get; }

    public string StandardOutput { get; }
    public string StandardError { get; }
    public TimeSpan Duration { get; }

    public int Passed => Scenarios.Sum(s => s.Passed);
    public int Failed => Scenarios.Sum(s => s.Failed);
    public int Warnings => Scenarios.Sum(s => s.Warnings);

    public IEnumerable<ConformanceCheck> Checks => Scenarios.SelectMany(s => s.Checks);
    public IReadOnlyList<ConformanceCheck> FailedChecks => Checks.Where(c => c.Failed).ToList();
    public IReadOnlySet<string> PassedCheckKeys => Checks.Where(c => c.Passed).Select(c => c.Key).ToHashSet();
    public IReadOnlySet<string> FailedCheckKeys => FailedChecks.Select(c => c.Key).ToHashSet();

    /// <summary>A per-scenario report for test output; <paramref name="label"/> names the run, e.g. "direct".</summary>
    public string Describe(string label)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"Conformance run '{label}': {Passed} checks passed, {Failed} failed, {Warnings} warnings, {Scenarios.Count} scenarios, exit code {ExitCode}, {Duration.TotalSeconds:F1} s");
        foreach (var scenario in Scenarios)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture,
                $"  {(scenario.Failed == 0 ? "ok  " : "FAIL")} {scenario.Name}: passed={scenario.Passed} failed={scenario.Failed} warnings={scenario.Warnings}");
            foreach (var check in scenario.Checks.Where(c => c.Failed || c.Warned))
            {
                text.AppendLine();
                text.Append(CultureInfo.InvariantCulture, $"       {check.Status} {check.Id}: {check.ErrorMessage ?? check.Description}");
            }
        }
        return text.ToString();
    }
}
