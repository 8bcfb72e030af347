using Gatehouse.Demo;
using Gatehouse.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Decisions;

/// <summary>
/// The policy that defines the product, verbatim, in front of the demo mailing-list server through a real
/// client: one tool listed, the others refused without reaching the server, the 11th campaign in a minute refused.
/// </summary>
public sealed class PolicyEnforcementTests : IAsyncLifetime
{
    private const string Verbatim = """
        {
          "version": "1",
          "default": "deny",
          "tools": {
            "send_campaign": {
              "limits": [
                { "counter": "send_campaign_rate", "window": "minute", "max": 10, "scope": "grant" }
              ]
            }
          }
        }
        """;

    private readonly TestDirectory _data = new();
    private RunningGateway _gateway = null!;

    private string Database => _data.File("listmonk.db");

    public async Task InitializeAsync() => _gateway = await RunningGateway.StartAsync(
        Upstreams.Servers(("listmonk", Upstreams.Demo(Database))),
        policies: new Dictionary<string, string> { ["listmonk"] = Verbatim });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Only_the_allowed_tool_is_listed()
    {
        await using var client = await _gateway.ConnectAsync("listmonk");

        var tools = await client.ListToolsAsync();

        Assert.Equal(["send_campaign"], tools.Select(t => t.Name));
    }

    [Fact]
    public async Task A_denied_tool_is_refused_with_the_rule_and_reason_and_never_reaches_the_server()
    {
        await using var client = await _gateway.ConnectAsync("listmonk");

        var result = await client.CallToolAsync("send_transactional_email", new Dictionary<string, object?>
        {
            ["template_id"] = 3,
            ["subscriber_email"] = "someone@example.com",
        });

        Assert.True(result.IsError);
        var text = Text(result);
        Assert.Contains("Refused by Gatehouse policy", text);
        Assert.Contains("rule default", text);
        var decision = result.Meta!["gatehouse/decision"]!;
        Assert.Equal("deny", decision["decision"]!.GetValue<string>());
        Assert.Equal("default", decision["rule"]!.GetValue<string>());
        Assert.Equal(0, DemoMailbox.CountOutbox(Database));
    }

    [Fact]
    public async Task The_eleventh_campaign_in_a_minute_is_refused_and_only_ten_are_sent()
    {
        await using var client = await _gateway.ConnectAsync("listmonk");
        var send = new Dictionary<string, object?> { ["campaign_id"] = 1 };

        for (var i = 0; i < 10; i++)
        {
            Assert.False((await client.CallToolAsync("send_campaign", send)).IsError);
        }

        var sentAfterTen = DemoMailbox.CountOutbox(Database);
        var eleventh = await client.CallToolAsync("send_campaign", send);

        Assert.True(eleventh.IsError);
        Assert.Contains("send_campaign_rate", Text(eleventh));
        var decision = eleventh.Meta!["gatehouse/decision"]!;
        Assert.Equal("rate_limited", decision["decision"]!.GetValue<string>());
        Assert.InRange(decision["retryAfterSeconds"]!.GetValue<double>(), 1, 60);
        Assert.Equal(sentAfterTen, DemoMailbox.CountOutbox(Database));
    }

    [Fact]
    public async Task The_grant_budget_is_shared_by_the_grants_sessions()
    {
        await using var first = await _gateway.ConnectAsync("listmonk");
        await using var second = await _gateway.ConnectAsync("listmonk");
        var send = new Dictionary<string, object?> { ["campaign_id"] = 2 };

        for (var i = 0; i < 10; i++)
        {
            Assert.False((await (i % 2 == 0 ? first : second).CallToolAsync("send_campaign", send)).IsError);
        }

        Assert.True((await second.CallToolAsync("send_campaign", send)).IsError);
    }

    [Theory]
    [InlineData("Send_Campaign")]
    [InlineData("send_campaign ")]
    [InlineData(" send_campaign")]
    [InlineData("send_campaign\\u0000")]
    [InlineData("send_campaign\\u200b")]
    [InlineData("\\uff53end_campaign")]
    [InlineData("send_campai\\u0301gn")]
    public async Task A_tool_name_that_differs_by_case_unicode_whitespace_or_nul_is_not_an_alias(string escapedName)
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("listmonk"));
        var session = await raw.OpenSessionAsync();

        var body = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"" + escapedName
            + "\",\"arguments\":{\"campaign_id\":1}}}";
        var reply = await raw.CallAsync(session, body);

        Assert.Contains("Refused by Gatehouse policy", reply);
        Assert.Equal(0, DemoMailbox.CountOutbox(Database));
    }

    [Fact]
    public async Task Resources_are_denied_and_hidden_by_the_default()
    {
        await using var client = await _gateway.ConnectAsync("listmonk");

        Assert.Empty(await client.ListResourcesAsync());
        Assert.Empty(await client.ListResourceTemplatesAsync());
        var refused = await Assert.ThrowsAsync<McpProtocolException>(() => client.ReadResourceAsync("listmonk://lists").AsTask());
        Assert.Contains("Refused by Gatehouse policy", refused.Message);
    }

    [Fact]
    public async Task Saving_the_policy_applies_it_and_an_invalid_edit_is_refused()
    {
        await using var client = await _gateway.ConnectAsync("listmonk");
        var path = _gateway.PolicyPath("listmonk");

        await File.WriteAllTextAsync(path, """{ "version": "1", "default": "deny", "tools": { "get_*": {} } }""");
        await WaitForToolsAsync(client, names => names.Contains("get_campaigns") && !names.Contains("send_campaign"));

        await File.WriteAllTextAsync(path, """{ "version": "1", "default": "deny", "tools": { "get_*": { "action": "sometimes" } } }""");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var stillInForce = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        Assert.Contains("get_campaigns", stillInForce);
    }

    private static async Task WaitForToolsAsync(McpClient client, Func<IReadOnlyList<string>, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition((await client.ListToolsAsync()).Select(t => t.Name).ToList()))
        {
            Assert.True(DateTime.UtcNow < deadline, "The saved policy did not come into force.");
            await Task.Delay(50);
        }
    }

    private static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
}
