using Gatehouse.Demo;
using Gatehouse.Testing;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Cli;

/// <summary>
/// The README's first command, <c>gatehouse demo</c>, run as an operator runs it (a process of its own): the
/// gateway in front of the demo server under the policy the README shows, and pointers to what to try next.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task The_demo_lists_only_send_campaign_runs_it_and_refuses_every_other_tool()
    {
        var dir = _directory.File("demo");
        await using var demo = await GatehouseProcess.StartAsync(["demo", "--listen", "http://127.0.0.1:0", "--dir", dir]);
        await using var agent = await demo.ConnectAsync("listmonk");

        var listed = await agent.ListToolsAsync();
        var sent = await agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });
        var refused = await agent.CallToolAsync("delete_mailing_list", new Dictionary<string, object?> { ["list_id"] = 1 });

        Assert.Equal(["send_campaign"], listed.Select(tool => tool.Name));
        Assert.True(sent.IsError != true, Text(sent));
        Assert.True(DemoMailbox.CountOutbox(Path.Combine(dir, "listmonk.db")) > 0);
        Assert.True(refused.IsError);
        Assert.Contains("Refused by Gatehouse policy", Text(refused), StringComparison.Ordinal);
        Assert.Contains("gatehouse catalog listmonk", demo.RecentOutput, StringComparison.Ordinal);
        Assert.Contains("gatehouse policy suggest listmonk", demo.RecentOutput, StringComparison.Ordinal);
    }
}
