using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Relay;

/// <summary>Mcp-Param-* headers against x-mcp-header arguments, as an attacker would send them.</summary>
public sealed class ParamHeaderAttackTests
{
    /// <summary>
    /// A 2026-07-28 stdio server whose tool <c>route</c> mirrors <c>region</c> into Mcp-Param-Region and <c>count</c> into
    /// Mcp-Param-Count. With FLAKY_LIST set its first tools/list fails, as a list does when the server hiccups once.
    /// </summary>
    private const string RouteServer = """
        let lists = 0;
        readline.createInterface({ input: process.stdin }).on("line", (line) => {
          let m;
          try { m = JSON.parse(line); } catch { return; }
          if (m.id === undefined) return;
          switch (m.method) {
            case "server/discover":
              result(m.id, { supportedVersions: ["2026-07-28"], capabilities: { tools: {} } });
              break;
            case "tools/list":
              if (process.env.FLAKY_LIST && ++lists === 1) { send({ jsonrpc: "2.0", id: m.id, error: { code: -32603, message: "busy" } }); break; }
              result(m.id, { tools: [{ name: "route", inputSchema: { type: "object", properties: {
                region: { type: "string", "x-mcp-header": "Region" },
                count: { type: "integer", "x-mcp-header": "Count" } } } }] });
              break;
            case "tools/call":
              result(m.id, { content: [{ type: "text", text: "ran in " + m.params.arguments.region }] });
              break;
            default:
              send({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "Method not found" } });
          }
        });
        """;

    private static JsonObject Server(bool flaky) =>
        HandWrittenStdioServer.Entry(RouteServer, new JsonObject { ["min"] = 1, ["max"] = 1 }, flaky ? new JsonObject { ["FLAKY_LIST"] = "1" } : null);

    private static HttpRequestMessage Call(RawMcpClient client, string regionHeader, int id = 1)
    {
        var request = client.PostSessionless("tools/call", new JsonObject
        {
            ["name"] = "route",
            ["arguments"] = new JsonObject { ["region"] = "us" },
        }, id: id);
        request.Headers.Add("Mcp-Param-Region", regionHeader);
        return request;
    }

    // A failed listing is not kept: had the header check let the call pass when the list could not be had, the decision
    // would list again, get the list, and allow a call whose Mcp-Param-Region says "eu" while its body says "us". The
    // check fails closed instead: 503, and nothing relayed.
    [Fact]
    public async Task A_call_whose_header_check_met_a_failed_tool_list_is_not_relayed_with_a_mismatched_header()
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("route", Server(flaky: true))));
        using var client = new RawMcpClient(gateway.McpUrl("route"));

        var (status, body) = await client.ExchangeAsync(Call(client, regionHeader: "eu"));

        Assert.DoesNotContain("ran in", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
    }

    // Control: with the list at hand the same call is refused with HeaderMismatch.
    [Fact]
    public async Task Control_a_mismatched_header_is_refused_when_the_list_is_at_hand()
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("route", Server(flaky: false))));
        using var client = new RawMcpClient(gateway.McpUrl("route"));

        var (status, body) = await client.ExchangeAsync(Call(client, regionHeader: "eu"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-32020, (int?)body["error"]?["code"]);
    }

    // "numbers by value": a router in front that reads Mcp-Param-Count as the text it is sees "+100" or "0100", not the
    // body's 100; the integer conversion of the revision writes 100 one way only.
    [Theory]
    [InlineData("+100")]
    [InlineData("0100")]
    [InlineData("100.")]
    public async Task A_number_header_spelled_otherwise_than_the_revision_writes_it_is_refused(string header)
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("route", Server(flaky: false))));
        using var client = new RawMcpClient(gateway.McpUrl("route"));
        var request = client.PostSessionless("tools/call", new JsonObject
        {
            ["name"] = "route",
            ["arguments"] = new JsonObject { ["count"] = 100 },
        });
        request.Headers.Add("Mcp-Param-Count", header);

        var (status, _) = await client.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }
}
