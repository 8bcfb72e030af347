using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gatehouse.Approvals;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Approvals;

/// <summary>A grant's approval webhook: each held call is announced with a signature the receiver can check, and retried when it fails.</summary>
public sealed class ApprovalWebhookTests
{
    private const string Secret = "the marketing team's webhook secret";
    private const string SendNeedsApproval = """{ "version": "1", "tools": { "send_campaign": { "action": "require_approval" } } }""";

    [Fact]
    public async Task A_held_call_is_posted_signed_to_the_grants_webhook_and_retried_after_a_failure()
    {
        var deliveries = new ConcurrentQueue<(string Body, string Timestamp, string Signature)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            // Copied now: a request's headers are recycled once it ends.
            deliveries.Enqueue((await new StreamReader(request.Body).ReadToEndAsync(), request.Headers["X-Gatehouse-Timestamp"].ToString(),
                request.Headers["X-Gatehouse-Signature"].ToString()));
            // The first delivery fails, as a receiver that is restarting would.
            return deliveries.Count == 1 ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok();
        });
        await receiver.StartAsync();
        using var data = new TestDirectory();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(data.File("listmonk.db")))),
            policies: new Dictionary<string, string> { ["listmonk"] = SendNeedsApproval },
            grantFields: new JsonObject { ["approvalWebhook"] = new JsonObject { ["url"] = $"{receiver.Urls.First()}/hook", ["secret"] = Secret } });
        await using var agent = await gateway.ConnectAsync("listmonk");

        var call = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 3 }).AsTask();
        for (var attempt = 0; attempt < 300 && deliveries.Count < 2; attempt++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, deliveries.Count);
        var (body, timestamp, signature) = deliveries.Last();
        var payload = JsonNode.Parse(body)!;
        var held = Assert.Single(await gateway.Services.GetRequiredService<ApprovalQueue>().ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default));
        Assert.Equal(("approval.requested", held.Id, "send_campaign", 3), (payload["event"]!.GetValue<string>(), payload["id"]!.GetValue<string>(),
            payload["target"]!.GetValue<string>(), payload["arguments"]!["campaign_id"]!.GetValue<int>()));
        Assert.Equal(WebhookApprovalNotifier.Sign(Secret, timestamp, body), signature);
        Assert.NotEqual(WebhookApprovalNotifier.Sign("another secret entirely", timestamp, body), signature);

        await gateway.Services.GetRequiredService<ApprovalQueue>().DenyAsync(held.Id, "carol", null, default);
        Assert.True((await call.WaitAsync(TimeSpan.FromSeconds(30))).IsError);
    }

    [Fact]
    public async Task A_receiver_that_stalls_does_not_delay_another_grants_webhook()
    {
        var stalledReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var promptReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receivers = builder.Build();
        receivers.MapPost("/stalled", async () =>
        {
            stalledReached.TrySetResult();
            await release.Task;
            return Results.Ok();
        });
        receivers.MapPost("/prompt", () =>
        {
            promptReached.TrySetResult();
            return Results.Ok();
        });
        await receivers.StartAsync();
        using var data = new TestDirectory();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(data.File("listmonk.db")))),
            policies: new Dictionary<string, string> { ["listmonk"] = SendNeedsApproval }, auth: [],
            grantFields: new JsonObject { ["approvalWebhook"] = new JsonObject { ["url"] = $"{receivers.Urls.First()}/stalled", ["secret"] = Secret } },
            extraGrants: [new JsonObject
            {
                ["id"] = "sales",
                ["server"] = "listmonk",
                ["identities"] = new JsonArray("sales-agent"),
                ["policy"] = data.Write("sales.json", SendNeedsApproval),
                ["approvalWebhook"] = new JsonObject { ["url"] = $"{receivers.Urls.First()}/prompt", ["secret"] = Secret },
            }]);
        var keys = gateway.Services.GetRequiredService<IApiKeyStore>();
        await using var marketing = await gateway.ConnectAsync("listmonk", bearer: (await keys.CreateAsync(RunningGateway.Identity)).Secret);
        await using var sales = await gateway.ConnectAsync("listmonk", bearer: (await keys.CreateAsync("sales-agent")).Secret);

        var stalledCall = marketing.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 3 }).AsTask();
        await Within(stalledReached.Task, "the first grant's webhook was not posted");
        var promptCall = sales.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 4 }).AsTask();
        await Within(promptReached.Task, "the second grant's webhook was not posted while the first grant's receiver stalled");
        release.SetResult();

        var approvals = gateway.Services.GetRequiredService<ApprovalQueue>();
        foreach (var held in await approvals.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default))
        {
            await approvals.DenyAsync(held.Id, "carol", null, default);
        }

        Assert.True((await Within(stalledCall, "the first held call did not end once denied")).IsError);
        Assert.True((await Within(promptCall, "the second held call did not end once denied")).IsError);
    }

    private static async Task Within(Task task, string failure)
    {
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.True(finished == task, $"{failure} within 30 s.");
        await task;
    }

    private static async Task<T> Within<T>(Task<T> task, string failure)
    {
        await Within((Task)task, failure);
        return await task;
    }
}
