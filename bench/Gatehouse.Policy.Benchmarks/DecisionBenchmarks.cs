using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace Gatehouse.Policy.Benchmarks;

/// <summary>Decision latency without argument checks; the targets are a median under 1 µs and no allocation.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class DecisionBenchmarks
{
    private readonly JsonElement _arguments = JsonElement.Parse("""{ "campaign_id": 3, "list_ids": [1, 2] }""");
    private readonly CompiledPolicy _verbatim = Compile(BenchmarkPolicies.Verbatim);
    private readonly CompiledPolicy _fiveHundred = Compile(BenchmarkPolicies.FiveHundredRules());

    [Benchmark(Description = "verbatim: send_campaign allowed")]
    public PolicyDecision VerbatimAllow() => _verbatim.DecideTool("send_campaign", _arguments);

    [Benchmark(Description = "verbatim: other tool denied by default")]
    public PolicyDecision VerbatimDefaultDeny() => _verbatim.DecideTool("delete_list", null);

    [Benchmark(Description = "verbatim: tools/list visibility")]
    public bool VerbatimVisible() => _verbatim.IsToolVisible("send_campaign");

    [Benchmark(Description = "500 rules: exact name")]
    public PolicyDecision FiveHundredExact() => _fiveHundred.DecideTool("svc150_get", null);

    [Benchmark(Description = "500 rules: prefix glob")]
    public PolicyDecision FiveHundredPrefixGlob() => _fiveHundred.DecideTool("svc150_list_campaigns", null);

    [Benchmark(Description = "500 rules: suffix glob")]
    public PolicyDecision FiveHundredSuffixGlob() => _fiveHundred.DecideTool("update_list_op78", null);

    [Benchmark(Description = "500 rules: infix glob")]
    public PolicyDecision FiveHundredInfixGlob() => _fiveHundred.DecideTool("ns14.lists.get_members", null);

    [Benchmark(Description = "500 rules: no rule, default")]
    public PolicyDecision FiveHundredDefault() => _fiveHundred.DecideTool("unrelated_tool_name", null);

    private static CompiledPolicy Compile(string json) =>
        PolicyCompiler.Compile(json).Policy ?? throw new InvalidOperationException("benchmark policy does not compile");
}
