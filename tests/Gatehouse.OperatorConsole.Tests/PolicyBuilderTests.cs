using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ModelContextProtocol.Client;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// A policy built in the console, by its form alone, then lived by a real MCP client: what it lists, a rate limit
/// reached, and a call held until a person approves it in the queue page.
/// </summary>
public sealed class PolicyBuilderTests(ConsoleGateway gateway, ConsoleBrowser browser) : IClassFixture<ConsoleGateway>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task A_policy_built_visually_is_what_an_agent_lives_by()
    {
        await using var admin = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await admin.SignInAsync(gateway.AdminKey);
        await admin.GoToAsync("/ui/catalog");
        await admin.Page.Locator("fluent-button", new() { HasText = "Refresh from the server" }).ClickAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Link, new() { Name = "send_campaign", Exact = true })).ToBeVisibleAsync();
        await admin.GoToAsync("/ui/policies");
        await Expect(admin.Page.GetByRole(AriaRole.Heading, new() { Name = "Policies" })).ToBeVisibleAsync();
        await admin.Page.GetByLabel("Rule for a pattern").FillAsync("delete_*");
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await admin.Page.GetByLabel("Rule for schedule_campaign").SelectOptionAsync("require_approval");
        await admin.Page.GetByLabel("Approvers of schedule_campaign").FillAsync("carol");
        await admin.Page.GetByLabel("Timeout of schedule_campaign").FillAsync("5m");
        await admin.Page.GetByLabel("Timeout of schedule_campaign").BlurAsync();
        await admin.Page.GetByLabel("At most this many calls of send_campaign").FillAsync("2");
        await admin.Page.GetByLabel("At most this many calls of send_campaign").BlurAsync();
        // Each change shows in the JSON beside the form, checked by the compiler.
        await Expect(admin.Page.GetByLabel("policy.json")).ToHaveValueAsync(new Regex("\"delete_\\*\"[\\s\\S]*\"schedule_campaign\"[\\s\\S]*\"require_approval\"[\\s\\S]*\"carol\"[\\s\\S]*\"5m\""));
        await Expect(admin.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Valid; not saved yet");
        await admin.ScreenshotAsync("policy-builder");
        await admin.Page.Locator("fluent-button", new() { HasText = "Save" }).ClickAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved; in force");
        await Expect(admin.Page.GetByText("by ops")).ToBeVisibleAsync();
        await using var agent = await gateway.ConnectAgentAsync();
        var tools = (await agent.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["schedule_campaign", "send_campaign"], tools);
        var sent = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var result = await agent.CallToolAsync("send_campaign", new Dictionary<string, object?> { ["campaign_id"] = 1 });
            sent.Add(result.IsError == true ? "refused" : "sent");
        }

        Assert.Equal("refused", sent[2]);
        var held = agent.CallToolAsync("schedule_campaign", new Dictionary<string, object?> { ["campaign_id"] = 2, ["send_at"] = "2030-01-01T00:00:00Z" }).AsTask();
        await using var approver = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await approver.SignInAsync(gateway.ApproverOfEveryGrantKey);
        await Expect(approver.Page).ToHaveURLAsync(new Regex("/ui/approvals"));
        await Expect(approver.Page.GetByText("schedule_campaign").First).ToBeVisibleAsync();
        Assert.False(held.IsCompleted, "schedule_campaign answered before anyone approved it.");
        await approver.ScreenshotAsync("approvals");
        await approver.Page.Locator("fluent-button", new() { HasText = "Approve" }).First.ClickAsync();
        var scheduled = await held.WaitAsync(TimeSpan.FromSeconds(60));
        // Released: what came back is the server's answer (it may refuse a campaign that is running), not Gatehouse's.
        var text = string.Join(" ", scheduled.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(c => c.Text));
        Assert.True(scheduled.Meta?["gatehouse/decision"] is null, text);
        Assert.Empty(admin.Errors);
        Assert.Empty(approver.Errors);
    }
}
