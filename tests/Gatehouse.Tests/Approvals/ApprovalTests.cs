using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Demo;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Approvals;

/// <summary>
/// <c>require_approval</c> for real: an agent's <c>send_campaign</c> waits, through the gateway, until a person
/// approves it (then it runs once), denies it, or lets it expire; nothing runs before.
/// </summary>
public sealed class ApprovalTests : IAsyncLifetime
{
    private const string Policy = """
        { "version": "1", "default": "deny",
          "tools": {
            "send_campaign": { "action": "require_approval", "reason": "Campaigns go out only after a person has looked.",
                               "limits": [ { "counter": "sends", "window": "minute", "max": 1 } ] },
            "delete_mailing_list": { "action": "require_approval", "approvers": ["alice", "bob"], "approvals": 2 },
            "schedule_campaign": { "action": "require_approval", "timeout": "2s" }
          } }
        """;

    private readonly TestDirectory _data = new();
    private readonly HttpClient _http = new();
    private RunningGateway _gateway = null!;

    private string Database => _data.File("listmonk.db");

    private ApprovalQueue Queue => _gateway.Services.GetRequiredService<ApprovalQueue>();

    public async Task InitializeAsync() =>
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(Database))),
            services => services.Configure<ApprovalOptions>(o => o.ProgressInterval = TimeSpan.FromMilliseconds(200)),
            policies: new Dictionary<string, string> { ["listmonk"] = Policy });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task An_approved_call_runs_once_and_its_result_reaches_the_agent()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        var progress = new List<ProgressNotificationValue>();
        var call = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 },
            new Progress<ProgressNotificationValue>(p => { lock (progress) { progress.Add(p); } })).AsTask();

        var held = await PendingAsync("send_campaign");
        Assert.Equal("Campaigns go out only after a person has looked.", held.Reason);
        Assert.Equal(0, DemoMailbox.CountOutbox(Database));
        await Task.Delay(TimeSpan.FromMilliseconds(600));

        using var approved = await PostAsync($"/admin/v1/approvals/{held.Id}/approve", await KeyAsync("carol", "approver"), """{ "reason": "checked the list" }""");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotEqual(true, result.IsError);
        Assert.True(DemoMailbox.CountOutbox(Database) > 0);
        lock (progress)
        {
            Assert.NotEmpty(progress);
            Assert.Contains(held.Id, progress[0].Message, StringComparison.Ordinal);
        }

        Assert.Equal(ApprovalState.Executed, (await Queue.GetAsync(held.Id, default))!.State);
        using var again = await PostAsync($"/admin/v1/approvals/{held.Id}/approve", await KeyAsync("dave", "approver"), null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var steps = await AuditStepsAsync("send_campaign");
        Assert.Contains("requested", steps);
        Assert.Contains("approved", steps);
        Assert.Contains(AuditDecisions.Allow, steps);
    }

    [Fact]
    public async Task A_denied_call_never_runs_and_the_agent_reads_the_approvers_reason()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        var call = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 }).AsTask();
        var held = await PendingAsync("send_campaign");

        var denied = await CliRunner.RunAsync("approvals", "deny", held.Id, "--config", _gateway.Config.ConfigPath, "--as", "carol", "--reason", "wrong list");
        Assert.Equal(0, denied.ExitCode);
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.IsError);
        Assert.Equal("approval_denied", result.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
        Assert.Contains("wrong list", Text(result), StringComparison.Ordinal);
        Assert.Equal(0, DemoMailbox.CountOutbox(Database));
    }

    [Fact]
    public async Task A_call_nobody_decides_expires_and_is_refused()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");

        var result = await agent.CallToolAsync("schedule_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1, ["send_at"] = "2030-01-01T00:00:00Z" })
            .AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(result.IsError);
        Assert.Equal("approval_expired", result.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
        Assert.Equal(ApprovalState.Expired, (await Queue.ListAsync(new ApprovalFilter(), 10, default)).Single().State);
    }

    [Fact]
    public async Task A_two_person_rule_needs_two_named_approvers_and_nobody_approves_their_own_call()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        var call = agent.CallToolAsync("delete_mailing_list", new Dictionary<string, object?> { ["list_id"] = 2 }).AsTask();
        var held = await PendingAsync("delete_mailing_list");

        using var stranger = await PostAsync($"/admin/v1/approvals/{held.Id}/approve", await KeyAsync("mallory", "approver"), null);
        using var self = await PostAsync($"/admin/v1/approvals/{held.Id}/approve", await KeyAsync(RunningGateway.Identity, "approver"), null);
        var alice = await KeyAsync("alice", "approver:listmonk");
        using var first = await PostAsync($"/admin/v1/approvals/{held.Id}/approve", alice, null);
        using var twice = await PostAsync($"/admin/v1/approvals/{held.Id}/approve", alice, null);

        Assert.Equal(HttpStatusCode.Forbidden, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Equal("Recorded", JsonNode.Parse(await first.Content.ReadAsStringAsync())!["outcome"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.False(call.IsCompleted);

        var second = await CliRunner.RunAsync("approvals", "approve", held.Id, "--config", _gateway.Config.ConfigPath, "--as", "bob");
        Assert.Equal(0, second.ExitCode);
        var result = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual("approval_denied", result.Meta?["gatehouse/decision"]?["decision"]?.GetValue<string>());
        Assert.Equal(ApprovalState.Executed, (await Queue.GetAsync(held.Id, default))!.State);
    }

    [Fact]
    public async Task A_call_the_agent_cancels_while_held_is_cancelled_and_never_runs()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        using var cancel = new CancellationTokenSource();
        var call = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 }, cancellationToken: cancel.Token).AsTask();
        var held = await PendingAsync("send_campaign");

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        await EventuallyAsync(async () => (await Queue.GetAsync(held.Id, default))!.State == ApprovalState.Cancelled);
        var late = await Queue.ApproveAsync(held.Id, "carol", null, default);
        Assert.Equal(ApprovalOutcome.NotPending, late.Outcome);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, DemoMailbox.CountOutbox(Database));
    }

    [Fact]
    public async Task An_approved_call_spends_its_budget_when_it_runs_and_not_while_held()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        var approver = await KeyAsync("carol", "approver");
        var first = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 }).AsTask();
        var second = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 2 }).AsTask();
        await EventuallyAsync(async () => (await Queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default)).Count == 2);

        foreach (var held in await Queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default))
        {
            using var approved = await PostAsync($"/admin/v1/approvals/{held.Id}/approve", approver, null);
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        // Both were held at once under a budget of one a minute: the first to run spends it, the other is refused.
        Assert.Single(results, r => r.IsError != true);
        Assert.Single(results, r => r.Meta?["gatehouse/decision"]?["decision"]?.GetValue<string>() == "rate_limited");
    }

    [Fact]
    public async Task Only_approvers_see_the_queue_and_bad_requests_change_nothing()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        _ = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 }).AsTask();
        var held = await PendingAsync("send_campaign");
        var approver = await KeyAsync("carol", "approver");

        using var anonymous = await GetAsync("/admin/v1/approvals", bearer: null);
        using var agentKey = await GetAsync("/admin/v1/approvals", await KeyAsync("ci-bot", "reader"));
        using var otherGrant = await GetAsync("/admin/v1/approvals", await KeyAsync("erin", "approver:other"));
        using var listed = await GetAsync("/admin/v1/approvals?state=pending", approver);
        using var badState = await GetAsync("/admin/v1/approvals?state=maybe", approver);
        using var badBody = await PostAsync($"/admin/v1/approvals/{held.Id}/deny", approver, "{not json");
        using var unknown = await PostAsync("/admin/v1/approvals/ap_0000000000000000/approve", approver, null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, agentKey.StatusCode);
        Assert.Empty(JsonNode.Parse(await otherGrant.Content.ReadAsStringAsync())!["approvals"]!.AsArray());
        Assert.Single(JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["approvals"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ApprovalState.Pending, (await Queue.GetAsync(held.Id, default))!.State);
    }

    [Fact]
    public async Task A_one_grant_approver_finds_its_grants_calls_behind_more_than_a_page_of_other_grants_calls()
    {
        var store = _gateway.Services.GetRequiredService<IApprovalStore>();
        var now = DateTimeOffset.UtcNow;
        HeldCall Held(int i, string grant) => new()
        {
            Id = $"ap_{i:x16}",
            RequestedAt = now.AddMilliseconds(i),
            ExpiresAt = now.AddHours(1),
            Identity = "marketing-agent",
            Grant = grant,
            Server = "listmonk",
            Session = "session-1",
            Method = "tools/call",
            Target = "send_campaign",
            Rule = "tools.send_campaign",
        };
        await store.CreateAsync(Held(0, "listmonk"), default);
        // More newer calls of another grant than the most a list may show (1000).
        for (var i = 1; i <= 1001; i++)
        {
            await store.CreateAsync(Held(i, "other"), default);
        }

        using var listed = await GetAsync("/admin/v1/approvals?limit=10", await KeyAsync("alice", "approver:listmonk"));

        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var ids = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["approvals"]!.AsArray().Select(c => c!["id"]!.GetValue<string>());
        Assert.Equal([Held(0, "listmonk").Id], ids);
    }

    private async Task<HeldCall> PendingAsync(string target)
    {
        HeldCall? found = null;
        await EventuallyAsync(async () => (found = (await Queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default)).FirstOrDefault(c => c.Target == target)) is not null);
        return found!;
    }

    private async Task<List<string?>> AuditStepsAsync(string target)
    {
        var store = _gateway.Services.GetRequiredService<IAuditStore>();
        var steps = new List<string?>();
        await EventuallyAsync(async () =>
        {
            steps = [.. (await store.QueryAsync(new AuditQuery { Target = target, Limit = 100 }, default)).Records.Select(r => r.Event.Decision)];
            return steps.Contains(AuditDecisions.Allow);
        });
        return steps;
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

    private async Task<string> KeyAsync(string identity, string role) =>
        (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(identity, roles: [role])).Secret;

    private Task<HttpResponseMessage> GetAsync(string path, string? bearer) => SendAsync(HttpMethod.Get, path, bearer, null);

    private Task<HttpResponseMessage> PostAsync(string path, string bearer, string? body) => SendAsync(HttpMethod.Post, path, bearer, body);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(_gateway.BaseUrl, path));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
}
