using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// Clients of MCP 2026-07-28 (no initialize, no session; each request carries its version and capabilities) at the same
/// URL as session clients: decided as a session's message is, their routing headers held to their body, their multi-round
/// calls counted once, their tasks reachable only by whoever created them.
/// </summary>
public sealed class SessionlessRequestTests : IAsyncLifetime
{
    private const string AskLimitedOncePerMinute = """
        { "version": "1", "default": "allow",
          "tools": { "ask": { "limits": [ { "counter": "ask", "window": "minute", "max": 1, "scope": "identity" } ] },
                     "publish": { "action": "require_approval" },
                     "denied_tool": "deny" } }
        """;

    private readonly TestDirectory _policies = new();
    private RunningTestServer _sdkServer = null!;
    private SessionlessUpstream _upstream = null!;
    private RunningGateway _gateway = null!;
    private string _key = null!;
    private string _otherKey = null!;

    public async Task InitializeAsync()
    {
        _sdkServer = await TestServerHost.StartAsync();
        _upstream = await SessionlessUpstream.StartAsync();
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("test", Upstreams.Http(_sdkServer.McpUrl)), ("modern", Upstreams.Http(_upstream.Url)),
                ("capped", Upstreams.Http(_upstream.Url).With("maxSessionsPerIdentity", 1))),
            services => services.Configure<ApprovalOptions>(o => o.ProgressInterval = TimeSpan.FromMilliseconds(200)),
            policies: new Dictionary<string, string> { ["modern"] = AskLimitedOncePerMinute, ["capped"] = AskLimitedOncePerMinute },
            auth: [],
            extraGrants: [SecondIdentity.Grant(_policies, "other", "modern")]);
        (_key, _otherKey) = await SecondIdentity.KeysAsync(_gateway);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _sdkServer.DisposeAsync();
        _policies.Dispose();
    }

    [Fact]
    public async Task The_sdk_client_speaks_2026_07_28_through_the_gateway_and_is_decided_as_in_a_session()
    {
        await using var client = await _gateway.ConnectAsync("test", bearer: _key);

        Assert.Equal("2026-07-28", client.NegotiatedProtocolVersion);
        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
        Assert.Equal("through, without a session", Text(await client.CallToolAsync("echo",
            new Dictionary<string, object?> { ["message"] = "through, without a session" })));
        var refused = await client.CallToolAsync("no_such_tool");
        Assert.True(refused.IsError);
    }

    [Fact]
    public async Task A_session_client_still_opens_a_session_at_the_same_url()
    {
        await using var client = await _gateway.ConnectAsync("test", RunningGateway.InSession(), bearer: _key);

        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
    }

    [Theory]
    [InlineData("Mcp-Method", "tools/list")]
    [InlineData("Mcp-Name", "make_task")]
    [InlineData("MCP-Protocol-Version", "2025-11-25")]
    public async Task A_routing_header_that_disagrees_with_the_body_is_refused_and_never_forwarded(string header, string value)
    {
        using var raw = Raw("modern", _key);
        using var request = raw.PostSessionless("tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject() }, id: 41);
        request.Headers.Remove(header);
        request.Headers.Add(header, value);

        var (status, body) = await raw.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-32020, (int)body["error"]!["code"]!);
        Assert.Equal(41, (int)body["id"]!);
        Assert.DoesNotContain(_upstream.Calls("tools/call"), r => (int?)r["id"] == 41);
    }

    [Theory]
    [InlineData("eu-west", HttpStatusCode.OK)]
    [InlineData("us-east", HttpStatusCode.BadRequest)]
    [InlineData(null, HttpStatusCode.BadRequest)]
    public async Task A_parameter_header_the_tools_schema_asks_for_must_mirror_its_argument(string? header, HttpStatusCode expected)
    {
        using var raw = Raw("modern", _key);
        using var request = raw.PostSessionless("tools/call",
            new JsonObject { ["name"] = "route", ["arguments"] = new JsonObject { ["region"] = "eu-west" } }, id: 61);
        if (header is not null)
        {
            request.Headers.Add("Mcp-Param-Region", header);
        }

        var (status, body) = await raw.ExchangeAsync(request);

        Assert.Equal(expected, status);
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.Equal(-32020, (int)body["error"]!["code"]!);
            Assert.DoesNotContain(_upstream.Calls("tools/call"), r => (int?)r["id"] == 61);
        }
    }

    [Fact]
    public async Task A_missing_routing_header_is_refused()
    {
        using var raw = Raw("modern", _key);
        using var request = raw.PostSessionless("tools/call", new JsonObject { ["name"] = "echo" });
        request.Headers.Remove("Mcp-Name");

        var (status, body) = await raw.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-32020, (int)body["error"]!["code"]!);
    }

    [Fact]
    public async Task A_name_in_the_base64_form_is_read_as_its_value()
    {
        using var raw = Raw("modern", _key);
        using var request = raw.PostSessionless("tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "b64" } });
        request.Headers.Remove("Mcp-Name");
        request.Headers.Add("Mcp-Name", $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes("echo"))}?=");

        var (status, body) = await raw.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("echo b64", (string?)body["result"]!["content"]![0]!["text"]);
    }

    [Fact]
    public async Task A_request_without_its_meta_is_invalid_params()
    {
        using var raw = Raw("modern", _key);
        using var request = raw.Post("""{"jsonrpc":"2.0","id":5,"method":"tools/list","params":{}}""");
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/list");

        var (status, body) = await raw.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-32602, (int)body["error"]!["code"]!);
    }

    [Fact]
    public async Task An_unknown_version_is_refused_with_the_versions_the_server_speaks_through_the_gateway()
    {
        using var raw = Raw("modern", _key);
        using var request = raw.PostSessionless("server/discover", version: "2099-01-01");

        var (status, body) = await raw.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-32022, (int)body["error"]!["code"]!);
        Assert.Equal("2099-01-01", (string?)body["error"]!["data"]!["requested"]);
        Assert.Equal(["2026-07-28"], body["error"]!["data"]!["supported"]!.AsArray().Select(v => (string?)v));
    }

    [Fact]
    public async Task A_method_the_revision_removed_is_not_found()
    {
        using var raw = Raw("modern", _key);

        var (status, body) = await raw.ExchangeAsync(raw.PostSessionless("ping"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(-32601, (int)body["error"]!["code"]!);
    }

    [Fact]
    public async Task Lists_and_discovery_are_marked_private_to_the_caller()
    {
        using var raw = Raw("modern", _key);

        var (_, tools) = await raw.ExchangeAsync(raw.PostSessionless("tools/list"));
        var (_, discovered) = await raw.ExchangeAsync(raw.PostSessionless("server/discover"));

        Assert.Equal("private", (string?)tools["result"]!["cacheScope"]);
        Assert.Equal(60000, (int)tools["result"]!["ttlMs"]!);
        Assert.Equal("private", (string?)discovered["result"]!["cacheScope"]);
    }

    [Fact]
    public async Task A_multi_round_call_counts_once_and_a_retry_that_changes_its_arguments_is_a_new_call()
    {
        using var raw = Raw("modern", _key);
        JsonObject Ask(string q, bool retry) => retry
            ? new JsonObject
            {
                ["name"] = "ask",
                ["arguments"] = new JsonObject { ["q"] = q },
                ["requestState"] = SessionlessUpstream.RequestState,
                ["inputResponses"] = new JsonObject { ["confirm"] = new JsonObject { ["action"] = "accept" } },
            }
            : new JsonObject { ["name"] = "ask", ["arguments"] = new JsonObject { ["q"] = q } };

        var (_, first) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: false), id: 1));
        var (_, retried) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: true), id: 2));
        var (_, changed) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("something else", retry: true), id: 3));

        Assert.Equal("input_required", (string?)first["result"]!["resultType"]);
        Assert.Equal("answered why", (string?)retried["result"]!["content"]![0]!["text"]);
        // The limit (one a minute) was spent by the first round; a retry of another call is a call of its own.
        Assert.True((bool?)changed["result"]!["isError"]);
        Assert.Contains("limit", (string?)changed["result"]!["content"]![0]!["text"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, _upstream.Calls("tools/call").Count());
    }

    [Fact]
    public async Task A_task_is_reached_only_by_the_identity_that_created_it()
    {
        using var owner = Raw("modern", _key);
        using var other = Raw("modern", _otherKey);
        var (_, created) = await owner.ExchangeAsync(owner.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }));
        Assert.Equal("task", (string?)created["result"]!["resultType"]);

        var (_, stranger) = await other.ExchangeAsync(other.PostSessionless("tasks/get", new JsonObject { ["taskId"] = "task-1" }, id: 7));
        var (_, own) = await owner.ExchangeAsync(owner.PostSessionless("tasks/get", new JsonObject { ["taskId"] = "task-1" }, id: 8));

        Assert.Equal(-32602, (int)stranger["error"]!["code"]!);
        Assert.Equal("completed", (string?)own["result"]!["status"]);
        Assert.Equal([8], _upstream.Calls("tasks/get").Select(r => (int)r["id"]!));
    }

    [Fact]
    public async Task A_call_held_for_approval_waits_in_the_queue_telling_the_client_and_runs_once_approved()
    {
        using var raw = Raw("modern", _key);
        var queue = _gateway.Services.GetRequiredService<ApprovalQueue>();
        var parameters = new JsonObject
        {
            ["name"] = "publish",
            ["arguments"] = new JsonObject { ["message"] = "after a look" },
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject { ["elicitation"] = new JsonObject() },
                ["progressToken"] = "wait-1",
            },
        };
        using var request = raw.PostSessionless("tools/call", parameters, id: 71);
        using var response = await raw.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        // Under this revision nobody is asked in the client: the call waits in the queue, its stream telling of the wait.
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
        var progress = await events.ReadLineAsync().WaitAsync(Eventually.DefaultWait);
        while (progress is not null && !progress.StartsWith("data: ", StringComparison.Ordinal))
        {
            progress = await events.ReadLineAsync().WaitAsync(Eventually.DefaultWait);
        }

        Assert.Contains("notifications/progress", progress, StringComparison.Ordinal);
        Assert.DoesNotContain(_upstream.Calls("tools/call"), r => (int?)r["id"] == 71);
        var held = Assert.Single(await queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default), c => c.Target == "publish");
        Assert.Equal("", held.Session);

        await queue.ApproveAsync(held.Id, "carol", "looked", default);
        var rest = await events.ReadToEndAsync().WaitAsync(Eventually.DefaultWait);

        Assert.Contains("echo after a look", rest, StringComparison.Ordinal);
        Assert.Single(_upstream.Calls("tools/call"), r => (string?)r["params"]!["name"] == "publish");
    }

    [Fact]
    public async Task A_session_less_request_counts_as_a_session_while_it_runs()
    {
        using var raw = Raw("capped", _key);
        var queue = _gateway.Services.GetRequiredService<ApprovalQueue>();
        using var held = raw.PostSessionless("tools/call", new JsonObject
        {
            ["name"] = "publish",
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
                ["progressToken"] = "capped-1",
            },
        }, id: 81);
        using var waiting = await raw.SendAsync(held, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Eventually.DefaultWait);
        var pending = await Eventually.UntilAsync(async () =>
            (await queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default)).FirstOrDefault(c => c.Server == "capped"),
            "call held for approval on the capped server");

        var (refused, body) = await raw.ExchangeAsync(raw.PostSessionless("tools/list", id: 82));
        await queue.DenyAsync(pending.Id, "carol", "not now", default);
        await waiting.Content.ReadAsStringAsync().WaitAsync(Eventually.DefaultWait);
        var (after, _) = await raw.ExchangeAsync(raw.PostSessionless("tools/list", id: 83));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused);
        Assert.Contains("maxSessionsPerIdentity", (string?)body["error"]?["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, after);
    }

    private RawMcpClient Raw(string server, string key) => new(_gateway.McpUrl(server), key);
}
