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
    // The builder as an operator reaches it: signed in, the server's tools in the catalog (refreshed, as no agent listed them yet).
    private async Task<ConsolePage> OpenPoliciesAsync()
    {
        var admin = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await admin.SignInAsync(gateway.AdminKey);
        await admin.GoToAsync("/ui/catalog");
        await admin.Page.Locator("fluent-button", new() { HasText = "Refresh from the server" }).ClickAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Link, new() { Name = "send_campaign", Exact = true })).ToBeVisibleAsync();
        await admin.GoToAsync("/ui/policies");
        return admin;
    }

    [Fact]
    public async Task A_policy_built_visually_is_what_an_agent_lives_by()
    {
        await using var admin = await OpenPoliciesAsync();
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

    [Fact]
    public async Task A_condition_from_the_tools_schema_refuses_a_dry_run_that_becomes_a_test_case()
    {
        await using var admin = await OpenPoliciesAsync();
        // By keyboard: the rule's details open from the toggle with Enter.
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Limits and arguments of send_campaign" }).FocusAsync();
        await admin.Page.Keyboard.PressAsync("Enter");
        var details = admin.Page.Locator("tr.policy-details");
        await Expect(details.GetByText("integer, required")).ToBeVisibleAsync();
        await admin.Page.GetByLabel("Max of campaign_id in send_campaign").FillAsync("100");
        await admin.Page.Keyboard.PressAsync("Tab");
        await Expect(admin.Page.GetByLabel("policy.json")).ToHaveValueAsync(new Regex("\"campaign_id\": \\{\\s*\"max\": 100"));
        await Expect(admin.Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Valid; not saved yet");
        await admin.ScreenshotAsync("policy-conditions", details);

        var dryRun = admin.Page.GetByRole(AriaRole.Region, new() { Name = "Dry run" });
        await dryRun.GetByLabel("Tool", new() { Exact = true }).SelectOptionAsync("send_campaign");
        // The fields are the chosen tool's once its form is drawn: a value typed sooner goes to the previous tool's field.
        await Expect(dryRun.Locator("label[for='dry-argument-0']")).ToContainTextAsync("campaign_id");
        await dryRun.Locator("#dry-argument-0").FillAsync("500");
        await dryRun.GetByRole(AriaRole.Button, new() { Name = "Try it" }).ClickAsync();
        await Expect(dryRun.GetByLabel("Decision and trace")).ToContainTextAsync(
            "decision: invalid_arguments by tools.send_campaign: argument $.campaign_id must be at most 100");
        await dryRun.GetByRole(AriaRole.Button, new() { Name = "Keep as a test case" }).ClickAsync();
        await Expect(dryRun.GetByText("Kept as case 1 of policy.cases.json")).ToBeVisibleAsync();
        await admin.ScreenshotAsync("policy-dry-run", dryRun);

        var cases = admin.Page.GetByRole(AriaRole.Region, new() { Name = "Test cases" });
        await cases.GetByRole(AriaRole.Button, new() { Name = "Run the test cases" }).ClickAsync();
        await Expect(cases.GetByText("1 passed, 0 failed")).ToBeVisibleAsync();
        // The kept case holds the draft's decision: without the condition, the same call is allowed and the case fails.
        await admin.Page.GetByLabel("Max of campaign_id in send_campaign").FillAsync("");
        await admin.Page.Keyboard.PressAsync("Tab");
        await cases.GetByRole(AriaRole.Button, new() { Name = "Run the test cases" }).ClickAsync();
        await Expect(cases.GetByText("0 passed, 1 failed")).ToBeVisibleAsync();
        await Expect(cases.GetByRole(AriaRole.List, new() { Name = "Failed cases" })).ToContainTextAsync("send_campaign {\"campaign_id\":500}: expected invalid_arguments by tools.send_campaign, got allow");
        await admin.ScreenshotAsync("policy-test-cases", cases);
        Assert.Empty(admin.Errors);
    }
}
