using System.Text.Json;
using FsCheck.Xunit;

namespace Gatehouse.Policy.Tests.Reference;

public class ReferenceEquivalenceProperties
{
    [Property(MaxTest = 500, Arbitrary = [typeof(ScenarioGenerators)])]
    public void The_compiled_policy_decides_every_call_as_the_reference_interpreter_does(Scenario scenario)
    {
        var compiled = PolicyCompiler.Compile(scenario.Policy.ToJson());
        Assert.True(compiled.Succeeded, string.Join(Environment.NewLine, compiled.Errors));

        foreach (var call in scenario.Calls)
        {
            var expected = ReferenceInterpreter.Decide(scenario.Policy, call);
            var actual = Decide(compiled.Policy, call);

            Assert.True(expected.Kind == actual.Kind && expected.Rule == actual.Rule, $"{call}: expected {expected.Kind} by {expected.Rule}, got {actual}");
            Assert.Equal(
                expected.Counters,
                actual.Counters.Select(counter => (counter.Name, (int)counter.Window.TotalSeconds, counter.Max, Scope(counter.Scope))));
            if (expected.Kind == DecisionKind.InvalidArguments)
            {
                Assert.StartsWith($"argument {expected.ViolatedPath} ", actual.Reason, StringComparison.Ordinal);
                Assert.EndsWith($"({expected.ViolatedOperator}, rule {expected.Rule})", actual.Reason, StringComparison.Ordinal);
            }
            Assert.Equal(ReferenceInterpreter.Visible(scenario.Policy, call), Visible(compiled.Policy, call));
        }
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(ScenarioGenerators)])]
    public void The_explanation_names_the_deciding_rule_exactly_once(Scenario scenario)
    {
        var policy = PolicyCompiler.Compile(scenario.Policy.ToJson()).Policy!;

        foreach (var call in scenario.Calls.Where(call => call.Section == "tools"))
        {
            var explanation = PolicyExplainer.ExplainTool(policy, call.Name, Arguments(call), call.Class);

            var deciding = Assert.Single(explanation.Trace, step => step.Outcome.StartsWith("matches and decides", StringComparison.Ordinal));
            Assert.Equal(explanation.Decision.Rule, deciding.Rule);
            Assert.Equal(policy.DecideTool(call.Name, null, call.Class).Rule, explanation.Decision.Rule);
        }
    }

    private static PolicyDecision Decide(CompiledPolicy policy, ModelCall call) => call.Section switch
    {
        "tools" => policy.DecideTool(call.Name, Arguments(call), call.Class),
        "resources" => policy.DecideResource(call.Name),
        _ => policy.DecidePrompt(call.Name, Arguments(call)),
    };

    private static bool Visible(CompiledPolicy policy, ModelCall call) => call.Section switch
    {
        "tools" => policy.IsToolVisible(call.Name, call.Class),
        "resources" => policy.IsResourceVisible(call.Name),
        _ => policy.IsPromptVisible(call.Name),
    };

    private static JsonElement? Arguments(ModelCall call) => call.Arguments is null ? null : JsonElement.Parse(call.Arguments);

    private static string Scope(CounterScope scope) => scope.ToString().ToLowerInvariant();
}
