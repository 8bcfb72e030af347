using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Decisions;
using Gatehouse.Policy;
using Gatehouse.Testing;
using Gatehouse.Tests.Relay;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Decisions;

/// <summary>
/// A grant's test cases as the console's builder keeps and runs them: a cases file beside the policy, named after it,
/// that a kept dry run is appended to (audited as who kept it) and that `gatehouse policy test` reads as it is.
/// </summary>
public sealed class PolicyCasesTests : TestServerGatewayTests
{
    private PolicyCases Cases => Gateway.Services.GetRequiredService<PolicyCases>();

    private PolicyVersions Versions => Gateway.Services.GetRequiredService<PolicyVersions>();

    private static CompiledPolicy AllowAll => PolicyCompiler.Compile("""{ "version": "1", "default": "allow" }""").Policy!;

    private static JsonObject EchoCase(string expect) => new() { ["name"] = "echo", ["grant"] = "test", ["tool"] = "echo", ["arguments"] = new JsonObject { ["text"] = "hé" }, ["expect"] = expect };

    [Fact]
    public void The_cases_of_a_policy_live_beside_it_named_after_it()
    {
        Assert.Equal(Path.Combine("policies", "marketing.cases.json"), PolicyCases.PathFor(Path.Combine("policies", "marketing.json")));
        Assert.Equal(Path.Combine("p", "marketing.policy.cases.json"), PolicyCases.PathFor(Path.Combine("p", "marketing.policy")));
    }

    [Fact]
    public async Task A_kept_case_makes_the_file_then_is_appended_keeping_its_layout_and_is_audited()
    {
        var path = Cases.PathOf("test");
        Assert.Null(Cases.Run("test", AllowAll));

        var first = await Cases.KeepAsync("test", EchoCase("allow"), "ops", default);

        Assert.Equal(1, first.Number);
        Assert.Equal("[\n  {\"name\":\"echo\",\"grant\":\"test\",\"tool\":\"echo\",\"arguments\":{\"text\":\"hé\"},\"expect\":\"allow\"}\n]\n", File.ReadAllText(path));

        // Written by hand since: the next case goes in at the end, and the rest stays as the person wrote it.
        File.WriteAllText(path, "[\n    { \"tool\": \"echo\", \"expect\": \"allow\" }\n]\n");
        var second = await Cases.KeepAsync("test", EchoCase("deny"), "carol", default);

        Assert.Equal(2, second.Number);
        Assert.Equal(
            "[\n    { \"tool\": \"echo\", \"expect\": \"allow\" },\n  {\"name\":\"echo\",\"grant\":\"test\",\"tool\":\"echo\",\"arguments\":{\"text\":\"hé\"},\"expect\":\"deny\"}\n]\n",
            File.ReadAllText(path));
        var report = Cases.Run("test", AllowAll)!;
        Assert.Equal("1 passed, 1 failed", report.Summary);
        var page = await Gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Admin }, default);
        Assert.Contains(page.Records, r => r.Event.Decision == "policy_case_kept" && r.Event.Identity == "carol" && r.Event.Grant == "test");
    }

    [Fact]
    public async Task A_file_that_is_not_an_array_of_cases_is_left_alone()
    {
        var path = Cases.PathOf("test");
        File.WriteAllText(path, """{ "tool": "echo" }""");

        var kept = await Cases.KeepAsync("test", EchoCase("allow"), "ops", default);

        Assert.Equal(0, kept.Number);
        Assert.Contains("not a JSON array", kept.Problem, StringComparison.Ordinal);
        Assert.Equal("""{ "tool": "echo" }""", File.ReadAllText(path));
    }

    [Fact]
    public async Task The_command_line_runs_a_policys_own_cases_when_none_are_named()
    {
        var policy = Versions.Read("test").Path;
        var missing = await CliRunner.RunAsync("policy", "test", policy);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("test.cases.json: no such cases file", missing.Error, StringComparison.Ordinal);

        await Cases.KeepAsync("test", EchoCase("allow"), "ops", default);
        var run = await CliRunner.RunAsync("policy", "test", policy);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("1 passed, 0 failed", run.Output, StringComparison.Ordinal);
    }
}
