using System.Text.Json.Nodes;
using Gatehouse.Demo;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Approvals;

/// <summary>A gateway killed while calls wait for approval: after a restart they are still listed, can be denied, and expire; none ever runs.</summary>
public sealed class ApprovalRestartTests
{
    private const string Policy = """
        { "version": "1", "tools": {
            "send_campaign": { "action": "require_approval", "timeout": "1h" },
            "schedule_campaign": { "action": "require_approval", "timeout": "4s" } } }
        """;

    [Fact]
    public async Task Pending_approvals_outlive_a_crash_then_expire_or_are_denied_and_never_run()
    {
        using var directory = new TestDirectory();
        var database = directory.File("listmonk.db");
        var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("listmonk", Upstreams.Demo(database))),
            policies: new Dictionary<string, string> { ["listmonk"] = Policy });

        await using (var first = await GatehouseProcess.StartAsync(config))
        {
            await using var agent = await first.ConnectAsync("listmonk");
            _ = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 }).AsTask();
            _ = agent.CallToolAsync("schedule_campaign", new Dictionary<string, object?> { ["campaign_id"] = 2, ["send_at"] = "2030-01-01T00:00:00Z" }).AsTask();
            await EventuallyAsync(async () => (await PendingAsync(config)).Count == 2);
            first.Kill();
        }

        await using var second = await GatehouseProcess.StartAsync(config);
        var pending = await PendingAsync(config);
        var send = pending.Single(c => c!["target"]!.GetValue<string>() == "send_campaign")!["id"]!.GetValue<string>();

        var denied = await CliRunner.RunAsync("approvals", "deny", send, "--config", config, "--as", "carol", "--reason", "after the restart");
        Assert.Equal(0, denied.ExitCode);
        var approvedLate = await CliRunner.RunAsync("approvals", "approve", send, "--config", config, "--as", "dave");
        Assert.Equal(1, approvedLate.ExitCode);
        Assert.Contains("already denied", approvedLate.Error, StringComparison.Ordinal);

        // Nobody waits for the scheduled one any more; the restarted gateway expires it when its time is up.
        await EventuallyAsync(async () => (await PendingAsync(config)).Count == 0);
        var all = JsonNode.Parse((await CliRunner.RunAsync("approvals", "list", "--config", config, "--state", "all", "--json")).Output)!.AsArray();
        Assert.Equal(["denied", "expired"], all.Select(c => c!["state"]!.GetValue<string>()).Order());
        Assert.Equal(0, DemoMailbox.CountOutbox(database));
    }

    private static async Task<JsonArray> PendingAsync(string config)
    {
        var listed = await CliRunner.RunAsync("approvals", "list", "--config", config, "--json");
        Assert.True(listed.ExitCode == 0, listed.Error);
        return JsonNode.Parse(listed.Output)!.AsArray();
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the condition did not hold within 30 s");
    }
}
