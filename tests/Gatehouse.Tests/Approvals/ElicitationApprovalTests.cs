using System.Text.Json;
using Gatehouse.Approvals;
using Gatehouse.Demo;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Approvals;

/// <summary>
/// <c>"approve_via": "elicitation"</c>: the agent's own user is asked, in their client, before the call runs; a
/// client that cannot be asked gets the gateway's queue instead.
/// </summary>
public sealed class ElicitationApprovalTests : IAsyncLifetime
{
    private const string Policy = """
        { "version": "1", "default": "deny",
          "tools": { "send_campaign": { "action": "require_approval", "approve_via": "elicitation", "reason": "This emails every subscriber." } } }
        """;

    private readonly TestDirectory _data = new();
    private RunningGateway _gateway = null!;

    private string Database => _data.File("listmonk.db");

    public async Task InitializeAsync() =>
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Demo(Database))),
            policies: new Dictionary<string, string> { ["listmonk"] = Policy });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task The_users_yes_in_their_client_lets_the_call_run()
    {
        string? asked = null;
        await using var agent = await _gateway.ConnectAsync("listmonk", Answering(request =>
        {
            asked = request.Message;
            return Answer("accept", approve: true);
        }));

        var result = await agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });

        Assert.NotEqual(true, result.IsError);
        Assert.Contains("send_campaign", asked, StringComparison.Ordinal);
        Assert.Contains("This emails every subscriber.", asked, StringComparison.Ordinal);
        Assert.True(DemoMailbox.CountOutbox(Database) > 0);
    }

    [Theory]
    [InlineData("decline", false)]
    [InlineData("cancel", false)]
    [InlineData("accept", false)]
    public async Task Anything_but_a_yes_refuses_the_call(string action, bool approve)
    {
        await using var agent = await _gateway.ConnectAsync("listmonk", Answering(_ => Answer(action, approve)));

        var result = await agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });

        Assert.True(result.IsError);
        Assert.Equal("approval_denied", result.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
        Assert.Equal(0, DemoMailbox.CountOutbox(Database));
    }

    [Fact]
    public async Task A_client_that_cannot_be_asked_waits_in_the_gateways_queue()
    {
        await using var agent = await _gateway.ConnectAsync("listmonk");
        var call = agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 }).AsTask();
        var queue = _gateway.Services.GetRequiredService<ApprovalQueue>();
        HeldCall? held = null;
        for (var attempt = 0; attempt < 300 && held is null; attempt++)
        {
            held = (await queue.ListAsync(new ApprovalFilter { State = ApprovalState.Pending }, 10, default)).SingleOrDefault();
            await Task.Delay(100);
        }

        Assert.NotNull(held);
        await queue.DenyAsync(held.Id, "carol", "not today", default);
        Assert.True((await call.WaitAsync(TimeSpan.FromSeconds(30))).IsError);
    }

    private static McpClientOptions Answering(Func<ElicitRequestParams, ElicitResult> answer) => new()
    {
        Handlers = new McpClientHandlers { ElicitationHandler = (request, _) => ValueTask.FromResult(answer(request!)) },
    };

    private static ElicitResult Answer(string action, bool approve) => new()
    {
        Action = action,
        Content = action == "accept" ? new Dictionary<string, JsonElement> { ["approve"] = JsonSerializer.SerializeToElement(approve) } : null,
    };
}
