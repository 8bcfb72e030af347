using System.Text.Json.Nodes;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// 2025 sessions that share their grant's pool (<c>"pool": { "sessions": true }</c>) against what an attacker would try.
/// </summary>
public sealed class PooledSessionAttackTests
{
    /// <summary>A 2026-07-28 stdio server that keeps tasks in memory, with tasks/get and tasks/list over all of them.</summary>
    private const string TaskServer = """
        import readline from "node:readline";
        const send = (m) => process.stdout.write(JSON.stringify(m) + "\n");
        const result = (id, r) => send({ jsonrpc: "2.0", id, result: { resultType: "complete", ...r } });
        const tasks = new Set();
        let made = 0;
        readline.createInterface({ input: process.stdin }).on("line", (line) => {
          let m;
          try { m = JSON.parse(line); } catch { return; }
          if (m.id === undefined) return;
          switch (m.method) {
            case "server/discover":
              result(m.id, { supportedVersions: ["2026-07-28"], capabilities: { tools: {} } });
              break;
            case "tools/list":
              result(m.id, { tools: [{ name: "make_task", inputSchema: { type: "object" } }] });
              break;
            case "tools/call": {
              const taskId = `secret-task-${process.pid}-${++made}`;
              tasks.add(taskId);
              send({ jsonrpc: "2.0", id: m.id, result: { resultType: "task", taskId, status: "working" } });
              break;
            }
            case "tasks/get":
              if (tasks.has(m.params.taskId)) result(m.id, { taskId: m.params.taskId, status: "completed", secret: "first caller result" });
              else send({ jsonrpc: "2.0", id: m.id, error: { code: -32602, message: "Unknown task" } });
              break;
            case "tasks/list":
              result(m.id, { tasks: [...tasks].map((taskId) => ({ taskId, status: "completed" })) });
              break;
            default:
              send({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "Method not found" } });
          }
        });
        """;

    private static JsonObject PooledServer(string script) => new()
    {
        ["command"] = NodeTools.Locate().Node,
        ["args"] = new JsonArray("--input-type=module", "-e", script),
        ["pool"] = new JsonObject { ["min"] = 1, ["max"] = 1, ["sessions"] = true },
    };

    // One grant held by two identities (a team grant): TaskOwners lets a task be read "only by the identity and grant that
    // created it", and a session-less tasks/get of the other identity is refused. A 2025 session of the other identity on
    // the same grant shares the pool, and its tasks/get passes through to the process holding the first caller's task.
    [Fact]
    public async Task A_pooled_session_of_another_identity_reads_a_task_it_did_not_create()
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("tasks", PooledServer(TaskServer))), auth: [],
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
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("tasks", PooledServer(TaskServer))), auth: [],
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
