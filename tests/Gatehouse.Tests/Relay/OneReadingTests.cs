using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// Messages that a JSON reader other than Gatehouse's could read differently, sent through a real gateway to a real
/// upstream built on the TypeScript SDK that logs every line it receives. Each is refused with a clear error, recorded
/// in the audit log, never reaches the upstream, and leaves the session serving.
/// </summary>
public sealed class OneReadingTests : IAsyncLifetime
{
    /// <summary>
    /// A stdio server on the TypeScript SDK's low-level API: one tool, <c>send_campaign</c>, with a JSON Schema. It
    /// appends every chunk it reads from stdin, and each call it runs, to the file in RECEIVED_LOG.
    /// </summary>
    private const string Upstream = """
        import fs from "node:fs";
        import { Server } from "@modelcontextprotocol/sdk/server/index.js";
        import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
        import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

        const log = process.env.RECEIVED_LOG;
        process.stdin.on("data", (chunk) => fs.appendFileSync(log, chunk));
        const server = new Server({ name: "recording", version: "1.0.0" }, { capabilities: { tools: {} } });
        server.setRequestHandler(ListToolsRequestSchema, async () => ({
          tools: [{
            name: "send_campaign",
            description: "Send a campaign immediately.",
            inputSchema: { type: "object", properties: { campaign_id: { type: "number" }, note: { type: "string" } } },
          }],
        }));
        server.setRequestHandler(CallToolRequestSchema, async (request) => {
          fs.appendFileSync(log, `RAN ${JSON.stringify(request.params.arguments ?? null)}\n`);
          return { content: [{ type: "text", text: `sent ${request.params.arguments?.campaign_id}` }] };
        });
        await server.connect(new StdioServerTransport());
        """;

    private const string Policy = """
        {
          "version": "1",
          "default": "deny",
          "tools": {
            "send_campaign": {
              "arguments": { "conditions": { "campaign_id": { "not_in": [1] } } },
              "limits": [ { "counter": "sends", "window": "minute", "max": 1000, "scope": "grant" } ]
            }
          }
        }
        """;

    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new();
    private RunningGateway _gateway = null!;
    private RawMcpClient _raw = null!;
    private string _session = null!;
    private int _marker;

    private string ReceivedLog => _directory.File("received.log");

    public async Task InitializeAsync()
    {
        var tools = NodeTools.Locate();
        File.WriteAllText(ReceivedLog, "");
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("listmonk", new JsonObject
            {
                ["command"] = tools.Node,
                ["args"] = new JsonArray("--input-type=module", "-e", Upstream),
                ["cwd"] = Path.Combine(tools.RepoRoot, ".tools", "node"),
                ["env"] = new JsonObject { ["RECEIVED_LOG"] = ReceivedLog },
            })),
            policies: new Dictionary<string, string> { ["listmonk"] = Policy });
        _raw = new RawMcpClient(_gateway.McpUrl("listmonk"));
        _session = await _raw.OpenSessionAsync();
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _gateway.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task A_call_every_reader_reads_alike_runs()
    {
        var reply = await PostAsync("""{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":2.5}}}""");

        Assert.Contains("sent 2.5", reply.Body, StringComparison.Ordinal);
        Assert.Contains("RAN {\"campaign_id\":2.5}", await WaitForLogAsync("RAN {\"campaign_id\":2.5}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_names_in_another_case_are_refused()
    {
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"send_campaign","Arguments":{"campaign_id":1}}}""",
            -32602, "$.params.Arguments");
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"send_campaign","Name":"other"}}""",
            -32602, "$.params.Name");
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":"send_campaign","arguments":{"Campaign_Id":1}}}""",
            null, "arguments.Campaign_Id");
    }

    [Fact]
    public async Task An_argument_of_a_type_its_schema_does_not_declare_is_refused()
    {
        // A server that converts (Python's pydantic, .NET's web defaults) would send campaign 1, which not_in: [1] forbids.
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":"1"}}}""",
            null, "arguments.campaign_id is a string");
    }

    [Fact]
    public async Task Numbers_servers_read_differently_are_refused()
    {
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":1.0000000000000000000001}}}""",
            -32602, "IEEE double");
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":22,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":1e400}}}""",
            -32602, "IEEE double");
    }

    [Fact]
    public async Task Strings_that_are_not_Unicode_are_refused()
    {
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":31,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":2,"note":"\ud800"}}}""",
            -32602, "lone surrogate");

        var bytes = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":32,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":2,"note":"ab"}}}""");
        var at = Array.LastIndexOf(bytes, (byte)'a');
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        await AssertRefusedAsync(bytes, -32700, "not valid UTF-8");
    }

    [Fact]
    public async Task Request_ids_beyond_a_double_are_refused()
    {
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":9007199254740993,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":2}}}""",
            -32600, "2^53");
    }

    [Fact]
    public async Task Names_other_readers_fold_together_are_refused()
    {
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":2},"argument\u017F":{"campaign_id":1}}}""",
            -32602, "is a spelling of");
        await AssertRefusedAsync("""{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"send_campaign","arguments":{"campaign_id":2,"\u212Aey":1,"key":2}}}""",
            -32602, "differ only in case");
    }

    [Fact]
    public async Task A_refusal_is_recorded_under_a_session_only_when_it_is_the_callers()
    {
        using var forged = _raw.Post("""{"jsonrpc":"2.0","id":61,"method":"ping","params":{"a":1,"a":2}}""", "someone-elses-session");
        using var own = _raw.Post("""{"jsonrpc":"2.0","id":62,"method":"ping","params":{"b":1,"b":2}}""", _session);

        Assert.Equal(HttpStatusCode.BadRequest, (await _raw.SendAsync(forged)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _raw.SendAsync(own)).StatusCode);

        var store = _gateway.Services.GetRequiredService<IAuditStore>();
        await Eventually.UntilAsync(async () =>
        {
            var records = (await store.QueryAsync(new AuditQuery { Server = "listmonk" }, default)).Records.Select(r => r.Event).ToList();
            return records.Any(e => e.Reason?.Contains("$.params.a:", StringComparison.Ordinal) == true && e.Session is null or "") &&
                records.Any(e => e.Reason?.Contains("$.params.b:", StringComparison.Ordinal) == true && e.Session == _session);
        }, "the refusals recorded, the forged session's without it", s_wait);
    }

    [Fact]
    public async Task A_body_that_is_not_JSON_is_415()
    {
        using var request = _raw.Post("""{"jsonrpc":"2.0","id":51,"method":"ping"}""", _session);
        request.Content = new StringContent("""{"jsonrpc":"2.0","id":51,"method":"ping"}""", Encoding.UTF8, "text/plain");

        using var response = await _raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await WaitForAuditAsync("posted as application/json");
        await AssertSessionServesAsync();
    }

    private Task AssertRefusedAsync(string json, int? code, string reason) => AssertRefusedAsync(Encoding.UTF8.GetBytes(json), code, reason);

    private async Task AssertRefusedAsync(byte[] body, int? code, string reason)
    {
        var reply = await PostAsync(body);

        Assert.Contains(reason, reply.Body, StringComparison.Ordinal);
        if (code is { } expected)
        {
            Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
            Assert.Equal(expected, JsonNode.Parse(reply.Body)!["error"]!["code"]!.GetValue<int>());
        }
        else
        {
            // Refused by the decision, as a tool result the model can read.
            Assert.Contains("\"isError\":true", reply.Body, StringComparison.Ordinal);
        }

        await AssertSessionServesAsync();
        var log = File.ReadAllText(ReceivedLog);
        Assert.DoesNotContain("RAN", log, StringComparison.Ordinal);
        Assert.Equal(_marker, CountOccurrences(log, "\"method\":\"ping\""));
        await WaitForAuditAsync(reason);
    }

    /// <summary>
    /// The session still serves, and the upstream has read everything sent before this ping: the ping's arrival in
    /// the log proves that a refused message did not come before it.
    /// </summary>
    private async Task AssertSessionServesAsync()
    {
        var id = 1000 + Interlocked.Increment(ref _marker);
        var reply = await PostAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"ping"}""");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Contains($"\"id\":{id}", reply.Body, StringComparison.Ordinal);
        await WaitForLogAsync($"\"id\":{id}");
    }

    private Task WaitForAuditAsync(string reason)
    {
        var store = _gateway.Services.GetRequiredService<IAuditStore>();
        return Eventually.UntilAsync(async () => (await store.QueryAsync(new AuditQuery { Server = "listmonk" }, default)).Records
            .Any(r => r.Event.Decision is AuditDecisions.Deny or AuditDecisions.InvalidArguments &&
                r.Event.Reason?.Contains(reason.TrimStart('$', '.'), StringComparison.Ordinal) == true),
            $"audit record of a refusal naming '{reason}'", s_wait);
    }

    private async Task<string> WaitForLogAsync(string text)
    {
        await Eventually.UntilAsync(() => Task.FromResult(File.ReadAllText(ReceivedLog).Contains(text, StringComparison.Ordinal)),
            $"line '{text}' received by the upstream", s_wait, () => $"It received: {File.ReadAllText(ReceivedLog)}");
        return File.ReadAllText(ReceivedLog);
    }

    private Task<(HttpStatusCode Status, string Body)> PostAsync(string json) => PostAsync(Encoding.UTF8.GetBytes(json));

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(byte[] body)
    {
        using var request = _raw.Post("", _session);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/json");
        using var response = await _raw.SendAsync(request).WaitAsync(s_wait);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static int CountOccurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
