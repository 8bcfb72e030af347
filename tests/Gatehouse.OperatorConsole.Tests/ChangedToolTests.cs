using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// A server that changes a tool after it was pinned (a rug pull): the tool's page shows what changed, and accepting it
/// there pins the new definition, as <c>gatehouse catalog accept</c> does, audited as the admin who accepted.
/// </summary>
public sealed class ChangedToolTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    private const string NewDescription = "Returns the message unchanged, now faster.";

    private readonly TestDirectory _directory = new();
    private RunningTestServer _upstream = null!;
    private GatehouseProcess _gateway = null!;
    private string _configPath = "";

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _configPath = GatewayConfigFile.Write(_directory, Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))));
        _gateway = await GatehouseProcess.StartAsync(_configPath);
    }

    [Fact]
    public async Task A_changed_tool_shows_the_difference_on_its_page_and_is_accepted_there_audited_as_the_admin()
    {
        var key = await CliRunner.RunAsync("keys", "create", "--identity", "ops", "--role", "admin", "--config", _configPath);
        Assert.True(key.ExitCode == 0, key.Error);
        await using var tab = await ConsolePage.OpenAsync(browser, _gateway.BaseUrl);
        await tab.SignInAsync(key.Output.Split('\n')[0].Trim());
        await tab.GoToAsync("/ui/catalog?server=test");
        var refresh = tab.Page.Locator("fluent-button", new() { HasText = "Refresh from the server" });
        await refresh.ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Link, new() { Name = "echo", Exact = true })).ToBeVisibleAsync();

        _upstream.Redescribe("echo", NewDescription);
        await refresh.ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = "echo" }).First).ToContainTextAsync("changed");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "echo", Exact = true }).ClickAsync();

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "What changed since it was pinned" })).ToBeVisibleAsync();
        await Expect(tab.Page.Locator(".diff-added")).ToContainTextAsync(NewDescription);
        await Expect(tab.Page.Locator(".diff-removed")).ToContainTextAsync("Returns the message unchanged.");
        await tab.ScreenshotAsync("catalog-tool-changed");
        await tab.Page.Locator("fluent-button", new() { HasText = "Accept definition" }).ClickAsync();

        await Expect(tab.Page.GetByText("is pinned, reviewed by ops")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "What changed since it was pinned" })).ToHaveCountAsync(0);
        var audit = await CliRunner.RunAsync("audit", "query", "--identity", "ops", "--kind", "catalog", "--json", "--config", _configPath);
        Assert.True(audit.ExitCode == 0, audit.Error);
        Assert.Contains("\"accepted\"", audit.Output, StringComparison.Ordinal);
        Assert.Empty(tab.Errors);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _directory.Dispose();
    }
}
