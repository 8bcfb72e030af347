using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Relay.Wire;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Tests.Wire;

public sealed class WireMessagesTests
{
    private static WireRead Read(string json) => WireMessages.Read(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Member_names_are_matched_byte_for_byte()
    {
        var request = Assert.IsType<JsonRpcRequest>(Read("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"Campaign":1}}}""").Message);

        // A server that matches names exactly sees no "campaign"; neither may the decision.
        Assert.Null(request.Params!["arguments"]!["campaign"]);
        Assert.NotNull(request.Params!["arguments"]!["Campaign"]);
    }

    [Fact]
    public void A_refused_request_keeps_its_id_and_method_for_the_reply_and_the_log()
    {
        var refusal = Assert.IsType<WireRefusal>(Read("""{"jsonrpc":"2.0","id":"r-1","method":"tools/call","params":{"name":"t","arguments":{"a":1e400}}}""").Refusal);

        Assert.Equal(new RequestId("r-1"), refusal.Id);
        Assert.Equal("tools/call", refusal.Method);
        Assert.Equal((int)McpErrorCode.InvalidParams, refusal.Reply.Error.Code);
        Assert.Contains("$.params.arguments.a", refusal.Reply.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":"\ud800","method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":-9223372036854775808,"method":"ping"}""")]
    public void An_id_in_doubt_is_not_answered_to(string json)
    {
        var refusal = Assert.IsType<WireRefusal>(Read(json).Refusal);

        Assert.Null(refusal.Id.Id);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":0,"result":{"content":{"type":"text","text":"\ud83d"}}}""", true)]
    [InlineData("""{"jsonrpc":"2.0","id":0,"error":{"code":-1,"message":"\ud83d"}}""", true)]
    [InlineData("""{"jsonrpc":"2.0","id":0,"method":"ping","params":{"x":"\ud83d"}}""", false)]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"x":"\ud83d"}}""", false)]
    public void A_refused_answer_to_the_servers_request_is_told_from_a_request(string json, bool isResponse) =>
        Assert.Equal(isResponse, Assert.IsType<WireRefusal>(Read(json).Refusal).IsResponse);

    [Theory]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":null,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":true,"method":"ping"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    public void What_is_not_a_JSON_RPC_message_is_an_invalid_request(string json)
    {
        var refusal = Assert.IsType<WireRefusal>(Read(json).Refusal);

        Assert.Equal(McpErrorCode.InvalidRequest, refusal.Problem.Code);
    }

    [Fact]
    public void A_message_read_once_is_forwarded_as_read()
    {
        const string json = """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"t","arguments":{"n":0.1,"s":"\u00e9\ud83d\ude00","big":1e21}}}""";
        var request = Assert.IsType<JsonRpcRequest>(Read(json).Message);

        var forwarded = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize<JsonRpcMessage>(request, WireMessages.Options))!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json)!["params"], forwarded["params"]));
    }
}
