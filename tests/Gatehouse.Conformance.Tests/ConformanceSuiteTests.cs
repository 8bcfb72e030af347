using System.Globalization;
using System.Text;
using Gatehouse.Testing;
using Xunit.Abstractions;
using static Gatehouse.Testing.ConformanceSuite;

namespace Gatehouse.Conformance.Tests;

/// <summary>
/// The official MCP conformance suite, revision by revision (<c>--requirements</c>), run against each upstream directly
/// and through Gatehouse with the allow-all decision point: the gateway is transparent when every check that passes
/// directly passes through it.
/// </summary>
public sealed class ConformanceSuiteTests(ConformanceUpstreams upstreams, ITestOutputHelper output) : IClassFixture<ConformanceUpstreams>
{
    [Theory]
    [InlineData(ConformanceUpstream.ReferenceServer, Revision20251125)]
    [InlineData(ConformanceUpstream.ReferenceServer, Revision20260728)]
    [InlineData(ConformanceUpstream.TestServer, Revision20251125)]
    [InlineData(ConformanceUpstream.TestServer, Revision20260728)]
    public async Task The_upstream_passes_every_scored_check_directly_but_its_known_failures(ConformanceUpstream upstream, string revision)
    {
        var direct = await upstreams.DirectAsync(upstream, revision);
        output.WriteLine(direct.Describe($"{Name(upstream)}, direct"));

        AssertRanEveryScenario(direct, upstream);
        var known = KnownFailures.Direct(upstream, revision);
        var unexpected = direct.ScoredFailedChecks.Where(c => !known.Any(k => k.Matches(c.Key))).ToList();
        var stale = known.Where(k => !direct.ScoredFailedChecks.Any(c => k.Matches(c.Key))).ToList();
        Assert.True(unexpected.Count == 0,
            $"Failed directly against the {Name(upstream)} at {revision}:\n" +
            string.Join("\n", unexpected.Select(c => $"  {c.Key}: {c.ErrorMessage}")) + $"\nStderr:\n{direct.StandardError}");
        Assert.True(stale.Count == 0,
            $"Known to fail against the {Name(upstream)} at {revision}, but passed: remove from {nameof(KnownFailures)}.{nameof(KnownFailures.Direct)}:\n" +
            string.Join("\n", stale.Select(k => $"  {k.Key}")));
    }

    [Theory]
    [InlineData(ConformanceUpstream.ReferenceServer)]
    [InlineData(ConformanceUpstream.TestServer)]
    public Task Every_check_that_passes_directly_passes_through_the_gateway_at_2025_11_25(ConformanceUpstream upstream) =>
        AssertTransparentAsync(upstream, Revision20251125);

    [Theory]
    [InlineData(ConformanceUpstream.ReferenceServer)]
    [InlineData(ConformanceUpstream.TestServer)]
    public Task Every_check_that_passes_directly_passes_through_the_gateway_at_2026_07_28(ConformanceUpstream upstream) =>
        AssertTransparentAsync(upstream, Revision20260728);

    private async Task AssertTransparentAsync(ConformanceUpstream upstream, string revision)
    {
        var direct = await upstreams.DirectAsync(upstream, revision);
        AssertRanEveryScenario(direct, upstream);
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("conformance", Upstreams.Http(upstreams.McpUrl(upstream)))));
        var through = await upstreams.Suite.RunAsync(gateway.McpUrl("conformance"), revision);

        output.WriteLine(direct.Describe($"{Name(upstream)}, direct"));
        output.WriteLine(through.Describe($"{Name(upstream)}, through Gatehouse"));
        output.WriteLine(Compare(direct, through));

        var known = KnownFailures.LostThrough(upstream, revision);
        var lost = direct.PassedCheckKeys.Except(through.PassedCheckKeys).Order(StringComparer.Ordinal).ToList();
        var unexpected = lost.Where(key => !known.Any(k => k.Matches(key))).ToList();
        // Stale only when it passed through Gatehouse: a check the upstream itself did not pass this run (the suite's
        // timing checks warn now and then on a busy machine) shows nothing either way.
        var stale = known.Where(k => through.PassedCheckKeys.Any(k.Matches)).ToList();
        Assert.True(unexpected.Count == 0,
            $"Passed directly against the {Name(upstream)} at {revision} but not through Gatehouse ({unexpected.Count} checks):\n" +
            string.Join("\n", unexpected.Select(key => $"  {key}: {ThroughOutcome(through, key)}")) +
            $"\nThe suite's stderr through Gatehouse:\n{through.StandardError}");
        Assert.True(stale.Count == 0,
            $"Known to be lost through Gatehouse at {revision}, but passed: remove from {nameof(KnownFailures)}.{nameof(KnownFailures.LostThrough)}:\n" +
            string.Join("\n", stale.Select(k => $"  {k.Key}")));
    }

    private void AssertRanEveryScenario(ConformanceResult direct, ConformanceUpstream upstream) =>
        Assert.True(direct.AnnouncedScenarios is { } announced && direct.Scenarios.Count == announced,
            $"The suite announced {direct.AnnouncedScenarios?.ToString(CultureInfo.InvariantCulture) ?? "no"} scenarios and reported " +
            $"{direct.Scenarios.Count} (exit code {direct.ExitCode}).\nStdout:\n{direct.StandardOutput}\nStderr:\n{direct.StandardError}\n" +
            $"The upstream's output:\n{upstreams.RecentOutput(upstream)}");

    private static string Name(ConformanceUpstream upstream) => upstream switch
    {
        ConformanceUpstream.ReferenceServer => "reference server",
        _ => "test server",
    };

    // What the suite saw through the gateway for a check that passed directly: its failures, or why it is missing.
    private static string ThroughOutcome(ConformanceResult through, string key)
    {
        var occurrences = through.Checks.Where(c => c.Key == key && !c.Passed).ToList();
        if (occurrences.Count > 0)
        {
            return string.Join(" | ", occurrences.Select(c => Shorten($"{c.Status} {c.ErrorMessage ?? c.Description}")).Distinct());
        }

        var scenario = key[..key.IndexOf('/', StringComparison.Ordinal)];
        var failures = through.Scenarios.FirstOrDefault(s => s.Name == scenario)?.Checks.Where(c => c.Failed).ToList() ?? [];
        return failures.Count == 0
            ? "not recorded"
            : "not recorded; the scenario failed with " + string.Join(" | ", failures.Select(c => Shorten($"{c.Id}: {c.ErrorMessage}")).Distinct());
    }

    // wire-schema-valid quotes every offending message in full; the start says which and why.
    private static string Shorten(string message)
    {
        var line = message.ReplaceLineEndings(" ");
        return line.Length <= 600 ? line : $"{line[..600]}...";
    }

    // Scenario by scenario: checks passed/failed directly and through, and the checks lost on the way.
    private static string Compare(ConformanceResult direct, ConformanceResult through)
    {
        var text = new StringBuilder($"Scenario by scenario at {direct.Revision} (passed/failed), direct -> through Gatehouse:");
        var throughPassed = through.PassedCheckKeys;
        foreach (var scenario in direct.Scenarios)
        {
            var other = through.Scenarios.FirstOrDefault(s => s.Name == scenario.Name);
            var lost = scenario.Checks.Select(c => c.Key).Distinct().Where(k => direct.PassedCheckKeys.Contains(k) && !throughPassed.Contains(k)).ToList();
            text.Append(CultureInfo.InvariantCulture,
                $"\n  {(lost.Count == 0 ? "same" : "LOST")} {scenario.Name}{(scenario.Scored ? "" : " (not scored)")}: " +
                $"{scenario.Passed}/{scenario.Failed} -> {(other is null ? "not run" : $"{other.Passed}/{other.Failed}")}");
            foreach (var key in lost)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n       {key[(scenario.Name.Length + 1)..]}: {ThroughOutcome(through, key)}");
            }
        }

        return text.ToString();
    }
}
