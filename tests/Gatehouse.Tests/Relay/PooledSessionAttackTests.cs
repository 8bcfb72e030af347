using System.Text.Json.Nodes;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// 2025 sessions that share their grant's pool (<c>"pool": { "sessions": true }</c>) against what an attacker would try.
/// </summary>
public sealed class PooledSessionAttackTests
{
    private static JsonObject PooledServer() =>
        HandWrittenStdioServer.Entry(HandWrittenStdioServer.Tasks, new JsonObject { ["min"] = 1, ["max"] = 1, ["sessions"] = true });

    // One grant held by two identities (a team grant): TaskOwners lets a task be read "only by the identity and grant that
    // created it", and a session-less tasks/get of the other identity is refused. A 2025 session of the other identity on
    // the same grant shares the pool, and its tasks/get passes through to the process holding the first caller's task.
    [Fact]
    public async Task A_pooled_session_of_another_identity_reads_a_task_it_did_not_create()
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("tasks", PooledServer())), auth: [],
            grantFields: new JsonObject { ["identities"] = new JsonArray(RunningGateway.Identity, SecondIdentity.Name) });
        var (key, otherKey) = await SecondIdentity.KeysAsync(gateway);
        using var owner = new RawMcpClient(gateway.McpUrl("tasks"), key);
        using var other = new RawMcpClient(gateway.McpUrl("tasks"), otherKey);

        var (_, created) = await owner.ExchangeAsync(owner.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }));
        var taskId = (string)created["result"]!["taskId"]!;

        // The gateway's own check, session-less: refused.
        var (_, refused) = await other.ExchangeAsync(other.PostSessionless("tasks/get", new JsonObject { ["taskId"] = taskId }, id: 2));
        Assert.NotNull(refused["error"]);

        // The same through a 2025 session of the other identity.
        var session = await other.OpenSessionAsync();
        var body = await other.CallAsync(session,
            new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 3, ["method"] = "tasks/get", ["params"] = new JsonObject { ["taskId"] = taskId } }.ToJsonString());

        Assert.DoesNotContain("first caller", body, StringComparison.Ordinal);
    }

    // ModernRelay refuses tasks/list even where unknown methods pass, "a task list would name other callers' tasks"; a
    // pooled 2025 session relays it (RelayMethods.PassThrough) to the process every caller of the grant shares.
    [Fact]
    public async Task A_pooled_session_lists_the_tasks_of_another_identity()
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("tasks", PooledServer())), auth: [],
            grantFields: new JsonObject { ["identities"] = new JsonArray(RunningGateway.Identity, SecondIdentity.Name) });
        var (key, otherKey) = await SecondIdentity.KeysAsync(gateway);
        using var owner = new RawMcpClient(gateway.McpUrl("tasks"), key);
        using var other = new RawMcpClient(gateway.McpUrl("tasks"), otherKey);

        var (_, created) = await owner.ExchangeAsync(owner.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }));
        var taskId = (string)created["result"]!["taskId"]!;

        var session = await other.OpenSessionAsync();
        var body = await other.CallAsync(session, """{"jsonrpc":"2.0","id":3,"method":"tasks/list","params":{}}""");

        Assert.DoesNotContain(taskId, body, StringComparison.Ordinal);
    }
}
