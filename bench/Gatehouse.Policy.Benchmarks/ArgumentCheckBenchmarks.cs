using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Gatehouse.Policy.Benchmarks;

/// <summary>Decision latency with argument checks; the target is a median under 10 µs.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class ArgumentCheckBenchmarks
{
    private readonly JsonElement _valid = JsonElement.Parse("""{ "campaign_id": 3, "list_ids": [1, 2], "subject": "Spring sale" }""");
    private readonly JsonElement _invalid = JsonElement.Parse("""{ "campaign_id": 3, "list_ids": [1, 2, 3], "subject": "Spring sale" }""");
    private readonly CompiledPolicy _schema = Compile(BenchmarkPolicies.SchemaChecked);
    private readonly CompiledPolicy _conditions = Compile(BenchmarkPolicies.ConditionChecked);

    [Benchmark(Description = "JSON Schema: valid arguments")]
    public PolicyDecision SchemaValid() => _schema.DecideTool("send_campaign", _valid);

    [Benchmark(Description = "JSON Schema: invalid arguments")]
    public PolicyDecision SchemaInvalid() => _schema.DecideTool("send_campaign", _invalid);

    [Benchmark(Description = "conditions: valid arguments")]
    public PolicyDecision ConditionsValid() => _conditions.DecideTool("send_campaign", _valid);

    [Benchmark(Description = "conditions: invalid arguments")]
    public PolicyDecision ConditionsInvalid() => _conditions.DecideTool("send_campaign", _invalid);

    private static CompiledPolicy Compile(string json) =>
        PolicyCompiler.Compile(json).Policy ?? throw new InvalidOperationException("benchmark policy does not compile");
}
