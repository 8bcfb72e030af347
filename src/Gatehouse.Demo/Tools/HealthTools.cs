using System.Text.Json.Nodes;
using Gatehouse.Demo.Data;

namespace Gatehouse.Demo.Tools;

/// <summary>The health check: the demo is healthy when its database answers.</summary>
internal sealed class HealthTools(DemoDatabase database, TimeProvider time)
{
    public IReadOnlyDictionary<string, ToolHandler> Handlers => new Dictionary<string, ToolHandler>
    {
        ["check_listmonk_health"] = _ =>
        {
            var subscribers = database.Read(session => session.Scalar("SELECT count(*) FROM subscribers"));
            return new JsonObject
            {
                ["status"] = "healthy",
                ["message"] = "Listmonk server is healthy and accessible.",
                ["subscribers"] = subscribers,
                ["checked_at"] = Timestamps.Format(time.GetUtcNow()),
            };
        },
    };
}
