using System.Text.Json.Nodes;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// Stdio servers of MCP 2026-07-28 written by hand in a few lines of JavaScript and run by the pinned Node: for what no
/// SDK's server does on purpose (work on after a cancellation, keep tasks in one process, fail a listing once).
/// </summary>
internal static class HandWrittenStdioServer
{
    /// <summary>
    /// Tasks kept in the memory of the process that made them: <c>make_task</c> (its id names the process), <c>hold(ms)</c>
    /// (a progress notification at once, the answer after <c>ms</c>, to keep the process busy), <c>tasks/get</c> (only
    /// this process's tasks, with a result only their creator may read) and <c>tasks/list</c> (all of them).
    /// </summary>
    public const string Tasks = """
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
              result(m.id, { tools: ["make_task", "hold"].map((name) => ({ name, inputSchema: { type: "object" } })) });
              break;
            case "tools/call":
              if (m.params.name === "make_task") {
                const taskId = `task-${process.pid}-${++made}`;
                tasks.add(taskId);
                send({ jsonrpc: "2.0", id: m.id, result: { resultType: "task", taskId, status: "working" } });
              } else {
                send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: m.params._meta.progressToken, progress: 0 } });
                setTimeout(() => result(m.id, { content: [{ type: "text", text: "held" }] }), m.params.arguments.ms);
              }
              break;
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

    // What every one starts with: a line reader on standard input, and senders of a message and of a complete result.
    private const string Preamble = """
        import readline from "node:readline";
        const send = (m) => process.stdout.write(JSON.stringify(m) + "\n");
        const result = (id, r) => send({ jsonrpc: "2.0", id, result: { resultType: "complete", ...r } });

        """;

    /// <summary>The <c>mcpServers</c> entry that runs <paramref name="script"/> (after the shared preamble) with <paramref name="pool"/>.</summary>
    public static JsonObject Entry(string script, JsonObject pool, JsonObject? env = null) => new()
    {
        ["command"] = NodeTools.Locate().Node,
        ["args"] = new JsonArray("--input-type=module", "-e", Preamble + script),
        ["env"] = env ?? new JsonObject(),
        ["pool"] = pool,
    };
}
