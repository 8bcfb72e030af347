using System.Text.Json;

namespace Gatehouse.Policy.Tests;

public class AllocationTests
{
    private static long AllocatedBy(Action action)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            action();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Deciding_without_argument_checks_allocates_nothing()
    {
        var policy = Policies.Compile("""
            { "version": "1", "default": "deny",
              "tools": {
                "send_campaign": { "limits": [ { "counter": "c", "window": "minute", "max": 10 } ] },
                "get_*": "allow", "*_list": "require_approval", "*": { "action": "deny", "reason": "no" }, "a*b*c": "allow"
              },
              "classes": [ { "risk": "high", "action": "require_approval" } ],
              "resources": { "file:///docs/*": "allow" } }
            """);
        var arguments = JsonElement.Parse("""{ "campaign_id": 3 }""");
        var high = new ToolClass(ToolRisk.High, ToolCategory.Write);

        Assert.Equal(0, AllocatedBy(() => policy.DecideTool("send_campaign", arguments)));
        Assert.Equal(0, AllocatedBy(() => policy.DecideTool("get_campaign", null)));
        Assert.Equal(0, AllocatedBy(() => policy.DecideTool("axxbyyc", null)));
        Assert.Equal(0, AllocatedBy(() => policy.DecideTool("unknown", null, high)));
        Assert.Equal(0, AllocatedBy(() => policy.IsToolVisible("get_campaign", high)));
        Assert.Equal(0, AllocatedBy(() => policy.DecideResource("file:///docs/readme.md")));
    }
}
