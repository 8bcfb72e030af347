using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Decisions;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The 2026-07-28 (session-less) path against what an attacker would try: each test is a request that must be refused,
/// or an answer that must not reach its caller.
/// </summary>
public sealed class SessionlessAttackTests : IAsyncLifetime
{
    private const string AskLimitedOncePerMinute = """
        { "version": "1", "default": "allow",
          "tools": { "ask": { "limits": [ { "counter": "ask", "window": "minute", "max": 1, "scope": "identity" } ] } } }
        """;

    private const string AskNeedsApproval = """
        { "version": "1", "default": "allow",
          "tools": { "ask": { "action": "require_approval", "timeout": "2s" } } }
        """;

    private readonly TestDirectory _policies = new();
    private SessionlessUpstream _upstream = null!;
    private RunningGateway _gateway = null!;
    private string _key = null!;
    private string _otherKey = null!;

    public async Task InitializeAsync()
    {
        _upstream = await SessionlessUpstream.StartAsync();
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(
                ("modern", Upstreams.Http(_upstream.Url)),
                ("modern-open", Upstreams.Http(_upstream.Url).With("allowUnknownMethods", true)),
                ("modern-slow", Upstreams.Http(_upstream.Url).With("callTimeout", "2s"))),
            policies: new Dictionary<string, string> { ["modern"] = AskLimitedOncePerMinute },
            auth: [],
            extraGrants: [SecondIdentity.Grant(_policies, "other", "modern"), SecondIdentity.Grant(_policies, "other-open", "modern-open")]);
        (_key, _otherKey) = await SecondIdentity.KeysAsync(_gateway);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _policies.Dispose();
    }

    // The server's requestState is not single-use (the revision says it need not be): the gateway's ledger must be.
    [Fact]
    public async Task A_requestState_replayed_after_its_retry_spends_the_limit_again()
    {
        using var raw = Raw("modern", _key);

        var (_, first) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: false), id: 1));
        var (_, retried) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: true), id: 2));
        var (_, replayed) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: true), id: 3));
        var (_, replayedAgain) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: true), id: 4));

        Assert.Equal("input_required", (string?)first["result"]!["resultType"]);
        Assert.Equal("answered why", (string?)retried["result"]!["content"]![0]!["text"]);
        // The limit is one a minute: the first round spent it and the retry continued that call. A second and third
        // "retry" with the same state are further runs of the tool, and must be counted (so refused).
        Assert.True((bool?)replayed["result"]?["isError"] == true, $"A replayed requestState ran the tool again uncounted: {replayed.ToJsonString()}");
        Assert.True((bool?)replayedAgain["result"]?["isError"] == true, $"A replayed requestState ran the tool again uncounted: {replayedAgain.ToJsonString()}");
        Assert.Equal(2, _upstream.Calls("tools/call").Count());
    }

    // README: "the client's retry is decided again (a policy that changed meanwhile applies), but ... needs no second approval".
    // Here there was no first approval: the retry must be held like any call the policy now holds.
    [Fact]
    public async Task A_retry_whose_first_round_needed_no_approval_is_held_once_the_policy_requires_it()
    {
        using var raw = Raw("modern", _key);
        var (_, first) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: false), id: 1));
        Assert.Equal("input_required", (string?)first["result"]!["resultType"]);

        var saved = await _gateway.Services.GetRequiredService<PolicyVersions>().SaveAsync("modern", AskNeedsApproval, "operator", CancellationToken.None);
        Assert.True(saved.Saved, string.Join("; ", saved.Errors));
        // Nobody approves: held, the retry expires after 2 s and never reaches the server.
        var (_, retried) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Ask("why", retry: true), id: 2));

        Assert.True((bool?)retried["result"]?["isError"] == true, $"The retry ran without the approval the policy now requires: {retried.ToJsonString()}");
        Assert.Single(_upstream.Calls("tools/call"));
    }

    // The tasks extension lets a client follow tasks on subscriptions/listen ("notifications": { "taskIds": [...] }), and
    // notifications/tasks carry the task's whole state, its result included.
    [Fact]
    public async Task A_listen_for_another_identitys_task_carries_none_of_its_state()
    {
        using var owner = Raw("modern", _key);
        using var other = Raw("modern", _otherKey);
        var (_, created) = await owner.ExchangeAsync(owner.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }));
        Assert.Equal("task", (string?)created["result"]!["resultType"]);

        var stranger = await other.ReadAllAsync(other.PostSessionless("subscriptions/listen", ListenTo("task-1"), id: 9));
        var own = await owner.ReadAllAsync(owner.PostSessionless("subscriptions/listen", ListenTo("task-1"), id: 10));

        Assert.Contains("the result of task-1", own, StringComparison.Ordinal);
        Assert.DoesNotContain("the result of task-1", stranger, StringComparison.Ordinal);
        Assert.DoesNotContain("notifications/tasks", stranger, StringComparison.Ordinal);
    }

    // Mcp-Param-{Name} mirrors an x-mcp-header argument; a server that processes the body must hold it to the body
    // (streamable-http.mdx, Server Validation), and README says the headers sent upstream are made from the body decided on.
    [Fact]
    public async Task An_Mcp_Param_header_that_disagrees_with_the_body_never_reaches_the_upstream()
    {
        using var raw = Raw("modern", _key);
        using var request = raw.PostSessionless("tools/call",
            new JsonObject { ["name"] = "region_tool", ["arguments"] = new JsonObject { ["region"] = "eu-west1" } }, id: 61);
        request.Headers.Add("Mcp-Param-Region", "us-east1");

        var (status, body) = await raw.ExchangeAsync(request);

        var forwarded = _upstream.HeadersById.GetValueOrDefault("61");
        Assert.False(forwarded?.GetValueOrDefault("mcp-param-region") == "us-east1",
            $"The upstream got Mcp-Param-Region: us-east1 for a body whose region is eu-west1 (gateway answered {(int)status}: {body.ToJsonString()}).");
    }

    // Only Mcp-Name and Mcp-Param-{Name} may be sent in the Base64 sentinel form; a component in front of the gateway that
    // routes or filters on Mcp-Method sees "=?base64?...?=", not "tools/call".
    [Fact]
    public async Task An_Mcp_Method_header_in_the_base64_form_is_refused()
    {
        using var raw = Raw("modern", _key);
        using var request = raw.PostSessionless("tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject() }, id: 62);
        request.Headers.Remove("Mcp-Method");
        request.Headers.Add("Mcp-Method", $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes("tools/call"))}?=");

        var (status, body) = await raw.ExchangeAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(-32020, (int?)body["error"]?["code"]);
        Assert.DoesNotContain(_upstream.Calls("tools/call"), r => (int?)r["id"] == 62);
    }

    // README: "A request that names 2026-07-28 (in MCP-Protocol-Version and _meta) is taken on its own; any other POST is
    // a message of a session". One that names 2025-11-25 in both is taken on its own too, and sent upstream as a 2025-11-25
    // request with no session.
    [Fact]
    public async Task A_request_naming_a_2025_revision_in_its_meta_is_not_forwarded_without_a_session()
    {
        using var raw = Raw("modern", _key);

        var (status, body) = await raw.ExchangeAsync(raw.PostSessionless("tools/call",
            new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "old" } }, id: 63, version: "2025-11-25"));

        Assert.True(!_upstream.Calls("tools/call").Any(r => (int?)r["id"] == 63),
            $"A 2025-11-25 request without a session was forwarded (gateway answered {(int)status}: {body.ToJsonString()}); upstream saw MCP-Protocol-Version " +
            $"'{_upstream.HeadersById.GetValueOrDefault("63")?.GetValueOrDefault("mcp-protocol-version")}'.");
    }

    // tasks/result and tasks/list are not among the methods the relay knows; with allowUnknownMethods they go through
    // without the task-owner check that tasks/get has.
    [Fact]
    public async Task With_unknown_methods_allowed_tasks_result_of_another_identitys_task_is_refused()
    {
        using var owner = Raw("modern-open", _key);
        using var other = Raw("modern-open", _otherKey);
        var (_, created) = await owner.ExchangeAsync(owner.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }));
        Assert.Equal("task", (string?)created["result"]!["resultType"]);

        var (_, stranger) = await other.ExchangeAsync(other.PostSessionless("tasks/result", new JsonObject { ["taskId"] = "task-1" }, id: 64));

        Assert.DoesNotContain(_upstream.Received, r => (string?)r["method"] == "tasks/result");
        Assert.NotNull(stranger["error"]);
    }

    // The upstream sees every caller of the gateway as one principal, so it may hand out an existing task again (an
    // idempotent job system): the task's owner is then silently replaced by whoever got it second.
    [Fact]
    public async Task A_task_id_the_upstream_hands_a_second_identity_stays_its_creators()
    {
        using var owner = Raw("modern", _key);
        using var other = Raw("modern", _otherKey);
        await owner.ExchangeAsync(owner.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }, id: 1));
        await other.ExchangeAsync(other.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }, id: 2));

        var (_, own) = await owner.ExchangeAsync(owner.PostSessionless("tasks/get", new JsonObject { ["taskId"] = "task-1" }, id: 3));
        var (_, stranger) = await other.ExchangeAsync(other.PostSessionless("tasks/get", new JsonObject { ["taskId"] = "task-1" }, id: 4));

        Assert.Equal("completed", (string?)own["result"]?["status"]);
        Assert.Equal(-32602, (int?)stranger["error"]?["code"]);
    }

    // SEP-2663: tasks/get, tasks/update and tasks/cancel carry Mcp-Name = params.taskId, so that a balancer in front of the
    // server can route them to the instance that holds the task. The gateway builds the upstream's headers and leaves it out.
    [Fact]
    public async Task A_task_request_reaches_the_upstream_with_its_task_id_in_Mcp_Name()
    {
        using var owner = Raw("modern", _key);
        await owner.ExchangeAsync(owner.PostSessionless("tools/call", new JsonObject { ["name"] = "make_task" }, id: 1));
        using var get = owner.PostSessionless("tasks/get", new JsonObject { ["taskId"] = "task-1" }, id: 65);

        var (_, own) = await owner.ExchangeAsync(get);

        Assert.Equal("completed", (string?)own["result"]?["status"]);
        Assert.Equal("task-1", _upstream.HeadersById.GetValueOrDefault("65")?.GetValueOrDefault("mcp-name"));
    }

    // A session's own requests upstream (the tool list a call is checked against) end after the server's callTimeout; the
    // session-less path's have no timeout, and the list they wait for is shared by every later call of the grant.
    [Fact]
    public async Task A_tool_list_the_upstream_never_answers_fails_the_call_within_the_servers_call_timeout()
    {
        using var raw = Raw("modern-slow", _key);
        _upstream.HangToolsList = true;

        var answer = raw.SendAsync(raw.PostSessionless("tools/call",
            new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "hi" } }, id: 66));
        var finished = await Task.WhenAny(answer, Task.Delay(TimeSpan.FromSeconds(20))) == answer;

        Assert.True(finished, "A call waited more than 20 s (callTimeout is 2 s) for a tool list the upstream never answered.");
        using var response = await answer;
        Assert.Contains("could not be listed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static JsonObject Ask(string q, bool retry) => retry
        ? new JsonObject
        {
            ["name"] = "ask",
            ["arguments"] = new JsonObject { ["q"] = q },
            ["requestState"] = SessionlessUpstream.RequestState,
            ["inputResponses"] = new JsonObject { ["confirm"] = new JsonObject { ["action"] = "accept" } },
        }
        : new JsonObject { ["name"] = "ask", ["arguments"] = new JsonObject { ["q"] = q } };

    private static JsonObject ListenTo(string taskId) => new()
    {
        ["notifications"] = new JsonObject { ["taskIds"] = new JsonArray(taskId) },
    };

    private RawMcpClient Raw(string server, string key) => new(_gateway.McpUrl(server), key);
}
