using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>Signing in to the console with an API key, roles, and signing out, in real Chromium.</summary>
public sealed class SignInTests(ConsoleGateway gateway, ConsoleBrowser browser) : IClassFixture<ConsoleGateway>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task An_admin_signs_in_with_a_key_and_sees_each_server_with_its_state()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.GoToAsync("/ui/servers");
        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/sign-in"));
        await tab.ScreenshotAsync("sign-in");

        await tab.SignInAsync(gateway.AdminKey);

        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/servers$"));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Servers" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("listmonk", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("ready", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("ops", new() { Exact = true })).ToBeVisibleAsync();
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Connect…" }).ClickAsync();
        await Expect(tab.Page.GetByText("claude mcp add --transport http listmonk")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("servers");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_console_follows_a_dark_theme()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl, ColorScheme.Dark);
        await tab.SignInAsync(gateway.AdminKey);
        await Expect(tab.Page.GetByText("listmonk", new() { Exact = true })).ToBeVisibleAsync();

        await tab.ScreenshotAsync("servers-dark");
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task A_key_that_is_not_valid_gets_a_message_and_no_session()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);

        await tab.SignInAsync("gh_0000000000000000_not-a-key-of-this-gateway");

        await Expect(tab.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid");
        await tab.GoToAsync("/ui/servers");
        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/sign-in"));
    }

    [Fact]
    public async Task An_approver_is_refused_the_admin_pages_and_not_shown_them()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.SignInAsync(gateway.ApproverKey);

        await tab.GoToAsync("/ui/servers");

        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/forbidden"));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.SignInAsync(gateway.AdminKey);
        await Expect(tab.Page.GetByText("listmonk", new() { Exact = true })).ToBeVisibleAsync();

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/sign-in"));
        await tab.GoToAsync("/ui/servers");
        await Expect(tab.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/sign-in"));
    }
}
