using System.Text.RegularExpressions;
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
        await tab.ScreenshotAsync("catalog-empty");
        await tab.Page.Locator("fluent-button", new() { HasText = "Refresh from the server" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = "delete_mailing_list", Exact = true })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("catalog");

        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "send_campaign", Exact = true }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "send_campaign" })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("catalog-tool");
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
}
