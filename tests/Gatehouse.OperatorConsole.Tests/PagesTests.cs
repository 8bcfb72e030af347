using System.Text.RegularExpressions;
using Gatehouse.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>The console's pages on the demo server, as an admin sees them, with a screenshot of each.</summary>
public sealed class PagesTests(ConsoleGateway gateway, ConsoleBrowser browser) : IClassFixture<ConsoleGateway>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task The_demos_link_opens_the_catalog_where_the_servers_tools_are_listed_with_their_risk()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);

        await tab.GoToAsync(gateway.SignInLink);

        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/catalog"));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Catalog" })).ToBeVisibleAsync();
        // The demo lists its server into the catalog as it starts; a reload shows the tools once it has.
        await Eventually.UntilAsync(async () =>
        {
            await tab.Page.ReloadAsync();
            return await tab.Page.GetByRole(AriaRole.Link, new() { Name = "delete_mailing_list", Exact = true }).IsVisibleAsync();
        }, "the demo's tools in the catalog without a refresh", context: () => gateway.RecentOutput);
        await tab.ScreenshotAsync("catalog");

        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "send_campaign", Exact = true }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "send_campaign" })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("catalog-tool");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_tools_suggested_rule_is_applied_to_a_grant_from_its_page_saved_and_audited_as_the_admin()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.SignInAsync(gateway.AdminKey);
        await tab.GoToAsync("/ui/catalog?server=listmonk");
        await tab.Page.Locator("fluent-button", new() { HasText = "Refresh from the server" }).ClickAsync();
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "get_campaigns", Exact = true }).ClickAsync();

        await Expect(tab.Page.GetByText("has no rule for this tool by name yet")).ToBeVisibleAsync();
        await tab.Page.Locator("fluent-button", new() { HasText = "Apply to grant demo" }).ClickAsync();

        await Expect(tab.Page.GetByText("Applied: grant 'demo' now has the suggested rule for 'get_campaigns'")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("has this rule for the tool already")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("catalog-tool-apply", tab.Page.Locator(".tool-apply"));
        var policy = await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(gateway.ConfigPath)!, "policy.json"));
        Assert.Contains("\"get_campaigns\"", policy, StringComparison.Ordinal);
        Assert.Contains("\"send_campaign_rate\"", policy, StringComparison.Ordinal);

        Assert.Empty(tab.Errors);
        var audit = await Gatehouse.Testing.CliRunner.RunAsync("audit", "query", "--decision", "policy_saved", "--identity", "ops", "--json", "--config", gateway.ConfigPath);
        Assert.True(audit.ExitCode == 0, audit.Error);
        Assert.Contains("applied the catalog's suggested rule for 'get_campaigns'", audit.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_created_on_the_keys_page_is_shown_once_signs_in_and_is_refused_once_revoked()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.SignInAsync(gateway.AdminKey);
        await tab.GoToAsync("/ui/keys");

        await tab.Page.GetByLabel("Identity").FillAsync("campaign-reviewer");
        await tab.Page.GetByLabel("Roles").FillAsync("approver");
        await tab.Page.Locator("fluent-button[type=submit]", new() { HasText = "Create" }).ClickAsync();
        var secret = tab.Page.GetByLabel("The new key");
        await Expect(secret).ToBeVisibleAsync();
        var key = (await secret.InnerTextAsync()).Trim();
        await tab.ScreenshotAsync("keys");

        await using (var reviewer = await ConsolePage.OpenAsync(browser, gateway.BaseUrl))
        {
            await reviewer.SignInAsync(key);
            await Expect(reviewer.Page.GetByRole(AriaRole.Heading, new() { Name = "Approvals" })).ToBeVisibleAsync();
        }

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Revoke key", Exact = false }).And(tab.Page.Locator("[aria-label$='of campaign-reviewer']")).ClickAsync();
        await tab.Page.GetByRole(AriaRole.Alertdialog).Locator("fluent-button", new() { HasText = "Revoke" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "campaign-reviewer" })).ToContainTextAsync("revoked");

        await using var refused = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await refused.SignInAsync(key);
        await Expect(refused.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_audit_page_shows_the_records_of_calls_and_the_chains_state()
    {
        // A call the demo's policy refuses, made as the demo's anonymous agent: one record to see.
        using var http = new HttpClient { BaseAddress = gateway.BaseUrl };
        using var client = new Gatehouse.Testing.RawMcpClient(new Uri(gateway.BaseUrl, "/mcp/listmonk"));
        var session = await client.OpenSessionAsync();
        await client.CallAsync(session, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"delete_mailing_list","arguments":{"id":1}}}""");

        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.SignInAsync(gateway.AdminKey);
        await tab.GoToAsync("/ui/audit?tool=delete_mailing_list");

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Audit" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("delete_mailing_list").First).ToBeVisibleAsync();
        await tab.ScreenshotAsync("audit");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Without_an_oauth_section_the_OAuth_page_says_how_to_turn_it_on_and_is_not_in_the_menu()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.SignInAsync(gateway.AdminKey);

        await Expect(tab.Page.GetByRole(AriaRole.Menuitem, new() { Name = "My connections" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Menuitem, new() { Name = "OAuth" })).ToHaveCountAsync(0);
        await tab.GoToAsync("/ui/oauth");
        await Expect(tab.Page.GetByText("OAuth is off.")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Status)).ToContainTextAsync("add an oauth section to the configuration");
        await tab.ScreenshotAsync("console-oauth-off");

        await tab.GoToAsync("/ui/connections");
        await Expect(tab.Page.GetByText("No server here needs an account of yours")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("Gatehouse does not sign in MCP clients here (OAuth is off)")).ToBeVisibleAsync();
        Assert.Empty(tab.Errors);
    }
}
