using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Gatehouse.Relay.Wire;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Tests.Differential;

/// <summary>
/// Hostile messages against readers of other languages: whatever Gatehouse lets through, a JavaScript, Python or Go
/// server reads exactly as Gatehouse's decision read it. Runs a bounded number of cases in CI; set
/// <c>GATEHOUSE_FUZZ_CASES</c> to run more (docs/security.md).
/// </summary>
public sealed class DifferentialFuzzTests
{
    private static readonly int s_cases = int.TryParse(Environment.GetEnvironmentVariable("GATEHOUSE_FUZZ_CASES"), out var cases) ? cases : 3000;

    [Fact]
    public void What_Gatehouse_forwards_reads_the_same_to_every_server_language()
    {
        var property = Prop.ForAll(HostileMessages.Messages(), message => Disagreement(message) is null);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(s_cases).WithQuietOnSuccess(true), property);
    }

    [Fact]
    public void The_generator_makes_messages_that_pass_as_well_as_ones_that_are_refused()
    {
        var sample = Gen.Sample(HostileMessages.Messages().Generator, 2000).Select(m => WireMessages.Read(m.Bytes).Refusal is null).ToList();

        // A generator whose every message is refused would prove nothing about what passes.
        Assert.InRange(sample.Count(passed => passed), 50, 1950);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"id":1.0000000000000000000001}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"k":1},"argument\u017F":{"k":2}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"s":"\ud800"}}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"t"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"id":1152921504606847000}}}""")]
    public void The_oracles_would_catch_what_Gatehouse_refuses(string json)
    {
        // Read as .NET reads it, unchecked: the oracles must see the disagreement the check prevents.
        var unchecked_ = JsonSerializer.Deserialize(System.Text.Encoding.UTF8.GetBytes(json), McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage)));
        Assert.NotNull(Compare((JsonRpcRequest)unchecked_!));
        Assert.NotNull(WireMessages.Read(System.Text.Encoding.UTF8.GetBytes(json)).Refusal);
    }

    /// <summary>Where a server language reads the forwarded message otherwise than the decision did; null when none does.</summary>
    private static string? Disagreement(HostileMessage message)
    {
        var read = WireMessages.Read(message.Bytes);
        return read.Message is JsonRpcRequest request ? Compare(request) : null;
    }

    private static string? Compare(JsonRpcRequest request)
    {
        // Forwarded as the SDK's transports write a message to the upstream.
        byte[] forwarded;
        Reading decided;
        try
        {
            forwarded = JsonSerializer.SerializeToUtf8Bytes<JsonRpcMessage>(request, McpJsonUtilities.DefaultOptions);
            decided = Decided(request);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return $"the message cannot be forwarded or decided: {ex.Message}";
        }

        foreach (var oracle in Oracle.All)
        {
            // A server that cannot read the message refuses it: nothing runs, so nothing is got past the policy.
            if (oracle.Read(forwarded) is not OracleValue.Members root)
            {
                continue;
            }

            var parameters = root["params"] as OracleValue.Members;
            var served = new Reading(root["method"], root["id"],
                parameters is null ? null : oracle.Field(parameters, "name"),
                parameters is null ? null : oracle.Field(parameters, "uri"),
                parameters is null ? null : oracle.Field(parameters, "arguments"));
            if (served != decided)
            {
                return $"{oracle.Name} reads {served}, Gatehouse decided on {decided}";
            }
        }

        return null;
    }

    private static Reading Decided(JsonRpcRequest request) =>
        new(
            new OracleValue.Text(request.Method),
            request.Id.Id is string text ? new OracleValue.Text(text) : new OracleValue.Number(OracleValue.ExactDecimal(request.Id.ToString())),
            GatewayReading.Member(request.Params, "name"),
            GatewayReading.Member(request.Params, "uri"),
            GatewayReading.Member(request.Params, "arguments"));

    private sealed record Reading(OracleValue? Method, OracleValue? Id, OracleValue? Name, OracleValue? Uri, OracleValue? Arguments);
}
