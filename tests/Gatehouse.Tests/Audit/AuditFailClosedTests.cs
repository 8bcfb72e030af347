using System.Text.Json.Nodes;
using Gatehouse.Demo;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Audit;

/// <summary>When the audit store cannot take a decision, the call does not run, unless the operator chose otherwise.</summary>
public sealed class AuditFailClosedTests
{
    // Nothing listens on port 1: every write to this store fails at once.
    private static JsonObject DeadStore() => new() { ["postgres"] = "Host=127.0.0.1;Port=1;Username=gatehouse;Password=x;Timeout=2" };

    [Fact]
    public async Task A_call_whose_decision_cannot_be_recorded_is_refused_and_never_reaches_the_upstream()
    {
        using var data = new TestDirectory();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(data.File("listmonk.db")))), store: DeadStore());
        await using var client = await gateway.ConnectAsync("listmonk");

        var result = await client.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });

        Assert.True(result.IsError);
        var decision = result.Meta!["gatehouse/decision"]!;
        Assert.Equal(("unavailable", "audit"), (decision["decision"]!.GetValue<string>(), decision["rule"]!.GetValue<string>()));
        Assert.Contains("audit log cannot record", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, DemoMailbox.CountOutbox(data.File("listmonk.db")));
    }

    [Fact]
    public async Task With_fail_open_the_call_runs_unrecorded()
    {
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))), store: DeadStore(),
            sections: new JsonObject { ["audit"] = new JsonObject { ["failOpen"] = true }, ["catalog"] = new JsonObject { ["failOpen"] = true } });
        await using var client = await gateway.ConnectAsync("test");

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still served" });

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("still served", Text(result), StringComparison.Ordinal);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}
