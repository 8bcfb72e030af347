using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using Gatehouse.Relay.Wire;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Benchmarks;

/// <summary>
/// What reading every client message one way costs: the SDK's reading alone (what Gatehouse did before), against
/// the check and the reading together, for an ordinary tool call and for one with about 90 KiB of arguments.
/// </summary>
[MemoryDiagnoser]
public class WireReadingBenchmarks
{
    private static readonly JsonTypeInfo<JsonRpcMessage> s_sdkType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private byte[] _message = [];

    /// <summary>call: a send_campaign call as an agent sends it; large: one whose arguments hold 1,000 subscribers.</summary>
    [Params("call", "large")]
    public string Message { get; set; } = "call";

    [GlobalSetup]
    public void Setup()
    {
        var arguments = Message == "call"
            ? """{"campaign_id":42,"subject":"Spring sale: 20 % off everything","lists":[1,3],"send_at":"2026-12-06T10:00:00Z","test":false}"""
            : "{\"subscribers\":[" + string.Join(",", Enumerable.Range(0, 1000).Select(i =>
                $$"""{"email":"person{{i}}@example.com","name":"Person Number {{i}}","lists":[1,2],"score":{{i * 0.25}}""" + "}")) + "]}";
        _message = Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"send_campaign","arguments":""" + arguments + ""","_meta":{"progressToken":"p-7"}}}""");
    }

    [Benchmark(Baseline = true)]
    public JsonRpcMessage? SdkReadingOnly() => JsonSerializer.Deserialize(_message, s_sdkType);

    [Benchmark]
    public WireRead CheckedAndRead() => WireMessages.Read(_message);

    [Benchmark]
    public WireProblem? CheckOnly() => CanonicalJson.FindProblem(_message);
}
