using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// Signing in to the console with the operator's OpenID Connect provider, in real Chromium, on the console's own address:
/// roles from the provider's claims decide pages as a key's roles do, changes are audited under the person, sign-out
/// ends the provider's session too.
/// </summary>
public sealed class ProviderSignInTests(ProviderConsoleGateway gateway, ConsoleBrowser browser)
    : IClassFixture<ProviderConsoleGateway>, IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task An_admin_signs_in_with_the_provider_and_sees_each_server()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.ConsoleUrl);
        await tab.GoToAsync("/ui/servers");
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/sign-in"));
        await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {ProviderConsoleGateway.ProviderName}" })).ToBeVisibleAsync();
        await tab.ScreenshotAsync("sign-in-with-provider");

        await SignInWithProviderAsync(tab, ProviderConsoleGateway.Admin);

        // Back where the person was going.
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/servers$"));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Servers" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("listmonk", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByLabel("Signed in as")).ToHaveTextAsync(ProviderConsoleGateway.Admin);
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task An_approver_sees_the_approvals_queue_and_is_refused_the_other_pages()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.ConsoleUrl);
        await tab.GoToAsync("/ui/sign-in");

        await SignInWithProviderAsync(tab, ProviderConsoleGateway.Approver);

        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/approvals$"));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Approvals" })).ToBeVisibleAsync();
        await tab.GoToAsync("/ui/keys");
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/forbidden"));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_person_with_no_role_sees_their_own_connections_and_is_refused_every_other_page()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.ConsoleUrl);
        await tab.GoToAsync("/ui/sign-in");

        await SignInWithProviderAsync(tab, ProviderConsoleGateway.NoRole);

        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/connections$"));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "My connections" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Navigation, new() { Name = "Console" }).GetByRole(AriaRole.Menuitem)).ToHaveCountAsync(1);
        foreach (var page in new[] { "/ui/servers", "/ui/approvals", "/ui/audit", "/ui/oauth" })
        {
            await tab.GoToAsync(page);
            await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/forbidden"));
            await Expect(tab.Page.GetByText($"You are signed in as {ProviderConsoleGateway.NoRole}")).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task A_key_an_admin_creates_is_audited_under_their_identity()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.ConsoleUrl);
        await tab.GoToAsync("/ui/keys");
        await SignInWithProviderAsync(tab, ProviderConsoleGateway.Admin);
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/keys$"));

        await tab.Page.GetByLabel("Identity").FillAsync("provider-made-bot");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Key created for provider-made-bot" })).ToBeVisibleAsync();
        Assert.Contains("provider-made-bot", await gateway.AuditOfAsync(ProviderConsoleGateway.Admin));
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task Signing_out_ends_the_console_session_and_the_providers()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.ConsoleUrl);
        await tab.GoToAsync("/ui/sign-in");
        await SignInWithProviderAsync(tab, ProviderConsoleGateway.Admin);
        await Expect(tab.Page.GetByText("listmonk", new() { Exact = true })).ToBeVisibleAsync();

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(tab.Page).ToHaveURLAsync(new Regex($"^{Regex.Escape(gateway.ConsoleUrl.AbsoluteUri)}ui/sign-in"));
        await tab.GoToAsync("/ui/servers");
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/sign-in"));
        // The provider asks who it is again: its session ended too, so nobody walks back in on the same browser.
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {ProviderConsoleGateway.ProviderName}" }).ClickAsync();
        await Expect(tab.Page.GetByLabel("User name")).ToBeVisibleAsync();
    }

    /// <summary>From the console's sign-in page: the provider's button, then its login form, as a person does.</summary>
    private static async Task SignInWithProviderAsync(ConsolePage tab, string user)
    {
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {ProviderConsoleGateway.ProviderName}" }).ClickAsync();
        await tab.Page.GetByLabel("User name").FillAsync(user);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await tab.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }
}
