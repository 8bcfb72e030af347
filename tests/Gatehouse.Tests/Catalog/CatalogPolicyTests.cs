using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Gatehouse.Demo;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Catalog;

/// <summary>
/// Policies that lean on the catalog, through the gateway in front of the demo mailing-list server: the policy
/// <c>gatehouse policy suggest</c> writes, and class rules with the operator's own class for a tool.
/// </summary>
public sealed class CatalogPolicyTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    private string Database => _directory.File("listmonk.db");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_suggested_policy_loads_and_allows_reads_rate_limits_sends_and_holds_deletes_for_approval()
    {
        // The catalog has never seen the server: the command connects to it itself, with no gateway running.
        var configPath = GatewayConfigFile.Write(_directory, Upstreams.Servers(("listmonk", Upstreams.Demo(Database))));
        var suggested = await CliRunner.RunAsync("policy", "suggest", "listmonk", "--config", configPath);
        Assert.True(suggested.ExitCode == 0, suggested.Error);
        var policy = JsonNode.Parse(suggested.Output)!;
        Assert.Equal("deny", policy["default"]!.GetValue<string>());
        Assert.All(policy["tools"]!.AsObject(), rule => Assert.False(string.IsNullOrWhiteSpace(rule.Value!["reason"]?.GetValue<string>()), rule.Key));

        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(Database))),
            policies: new Dictionary<string, string> { ["listmonk"] = suggested.Output });
        await using var agent = await gateway.ConnectAsync("listmonk");

        var lists = await agent.CallToolAsync("get_mailing_lists");
        Assert.True(lists.IsError != true, Text(lists));

        var sends = new List<string?>();
        for (var n = 0; n < 11; n++)
        {
            var sent = await agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });
            sends.Add(sent.IsError == true ? sent.Meta?["gatehouse/decision"]?["decision"]?.GetValue<string>() : "sent");
        }

        Assert.Equal([.. Enumerable.Repeat("sent", 10), "rate_limited"], sends);

        var queue = gateway.Services.GetRequiredService<ApprovalQueue>();
        var delete = agent.CallToolAsync("delete_mailing_list", new Dictionary<string, object?> { ["list_id"] = 1 }).AsTask();
        HeldCall? held = null;
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while ((held = (await queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default)).FirstOrDefault(c => c.Target == "delete_mailing_list")) is null)
            {
                await Task.Delay(100, timeout.Token);
            }
        }

        await queue.DenyAsync(held.Id, "alice", "not today", default);
        var refused = await delete.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("approval_denied", refused.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_catalog_command_lists_a_server_no_gateway_has_seen_and_says_what_it_cannot_reach()
    {
        var configPath = GatewayConfigFile.Write(_directory, Upstreams.Servers(
            ("listmonk", Upstreams.Demo(Database)),
            ("gone", new JsonObject { ["command"] = "/nonexistent/listmonk-mcp" })));

        var table = await CliRunner.RunAsync("catalog", "listmonk", "--config", configPath);
        var json = await CliRunner.RunAsync("catalog", "listmonk", "--json", "--config", configPath);
        var unreachable = await CliRunner.RunAsync("catalog", "gone", "--config", configPath);
        var unknown = await CliRunner.RunAsync("catalog", "nowhere", "--config", configPath);

        Assert.True(table.ExitCode == 0, table.Error);
        Assert.StartsWith("listmonk: 19 tools (19 usable, 0 withheld)", table.Output, StringComparison.Ordinal);
        Assert.Matches(@"send_campaign\s+execute\s+high\s+pinned\s+Sends something out", table.Output);
        var tools = JsonNode.Parse(json.Output)!["tools"]!.AsArray();
        Assert.Equal(19, tools.Count);
        Assert.All(tools, tool => Assert.EndsWith($"→ {tool!["category"]}, {tool["risk"]}", tool!["rationale"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains("'/nonexistent/listmonk-mcp' of server 'gone' was not found", unreachable.Error, StringComparison.Ordinal);
        Assert.Equal(2, unknown.ExitCode);
    }

    [Fact]
    public async Task Class_rules_decide_by_the_catalogs_class_and_the_operators_own_class_overrides_it()
    {
        const string Policy = """
            { "version": "1", "default": "deny",
              "classes": [ { "category": "read", "risk": "low", "action": "allow" } ] }
            """;
        var server = Upstreams.Demo(Database).With("toolClasses", new JsonObject
        {
            ["get_campaigns"] = new JsonObject { ["category"] = "read", ["risk"] = "high", ["reason"] = "Campaign drafts are confidential." },
        });
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", server)),
            policies: new Dictionary<string, string> { ["listmonk"] = Policy });
        await using var agent = await gateway.ConnectAsync("listmonk");

        var listed = (await agent.ListToolsAsync()).Select(tool => tool.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["check_listmonk_health", "get_list_subscribers_tool", "get_mailing_lists"], listed);
        Assert.True((await agent.CallToolAsync("get_mailing_lists")).IsError != true);
        var confidential = await agent.CallToolAsync("get_campaigns");
        Assert.Equal("deny", confidential.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
        Assert.Equal(0, DemoMailbox.CountOutbox(Database));

        var catalog = await CliRunner.RunAsync("catalog", "listmonk", "--config", gateway.Config.ConfigPath);
        Assert.Contains("Campaign drafts are confidential. (the operator's class) → read, high", catalog.Output);
    }
}
