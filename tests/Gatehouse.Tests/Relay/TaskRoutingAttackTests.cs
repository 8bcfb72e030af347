using System.Text.Json.Nodes;
using Gatehouse.Relay.Modern;

namespace Gatehouse.Tests.Relay;

/// <summary>Task bookkeeping (TaskOwners, StdioPool's task homes) against a caller that makes many tasks.</summary>
public sealed class TaskRoutingAttackTests
{
    // TaskOwners is one table for every server and grant, bounded at MaxEntries by forgetting the oldest tenth. A caller
    // of another server and grant who makes MaxEntries tasks (one tools/call each on a server it holds) makes the victim's
    // task "nobody's": its creator is refused its own task (-32602, as one that does not exist).
    [Fact]
    public void Tasks_made_on_another_server_and_grant_do_not_take_a_victims_task_from_its_creator()
    {
        var owners = new TaskOwners(TimeProvider.System);
        owners.Remember("payroll", "victim", "payroll-grant", new JsonObject { ["resultType"] = "task", ["taskId"] = "victim-task" });

        for (var i = 0; i < TaskOwners.MaxEntries; i++)
        {
            owners.Remember("sandbox", "attacker", "sandbox-grant", new JsonObject { ["resultType"] = "task", ["taskId"] = $"t{i}" });
        }

        Assert.True(owners.Owns("payroll", "victim", "payroll-grant", "victim-task"));
    }
}
