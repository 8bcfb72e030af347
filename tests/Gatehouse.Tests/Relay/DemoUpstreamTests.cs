using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Demo;
using Gatehouse.Testing;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>The gateway in front of the bundled demo mailing-list server, launched over stdio as <c>gatehouse demo-server</c>.</summary>
public sealed class DemoUpstreamTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private RunningGateway _gateway = null!;

    private string Database => _directory.File("listmonk.db");

    public async Task InitializeAsync() =>
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(Database))));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_listmonk_servers_19_tools_come_through_as_the_file_defines_them()
    {
        await using var client = await _gateway.ConnectAsync("listmonk");

        var listed = (await client.ListToolsAsync()).ToDictionary(t => t.Name);

        var expected = ListmonkToolsFile()["tools"]!.AsArray().Select(t => t!.AsObject()).ToList();
        Assert.Equal(19, expected.Count);
        Assert.Equal(expected.Select(t => t["name"]!.GetValue<string>()).Order(), listed.Keys.Order());
        Assert.All(expected, tool =>
        {
            var name = tool["name"]!.GetValue<string>();
            Assert.Equal(tool["description"]!.GetValue<string>(), listed[name].Description);
            Assert.True(JsonNode.DeepEquals(tool["inputSchema"], JsonSerializer.SerializeToNode(listed[name].ProtocolTool.InputSchema)),
                $"The input schema of {name} changed on its way through the gateway.");
        });
    }

    [Fact]
    public async Task Send_campaign_records_the_emails_it_would_send()
    {
        await using var client = await _gateway.ConnectAsync("listmonk");
        var before = DemoMailbox.CountOutbox(Database);

        var result = await client.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });

        Assert.True(result.IsError != true, Text(result));
        var queued = JsonNode.Parse(Text(result))!["emails_queued"]!.GetValue<int>();
        Assert.True(queued > 0, "The seeded campaign 1 should reach some subscribers.");
        Assert.Equal(before + queued, DemoMailbox.CountOutbox(Database));
    }

    /// <summary>The file as the demo assembly ships it, read apart from the server's own parsing.</summary>
    private static JsonObject ListmonkToolsFile()
    {
        using var stream = typeof(DemoMailbox).Assembly.GetManifestResourceStream("Gatehouse.Demo.listmonk-tools.json")
            ?? throw new InvalidOperationException("listmonk-tools.json is not embedded in the demo assembly.");
        return JsonNode.Parse(stream)!.AsObject();
    }
}
