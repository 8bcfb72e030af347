using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// "My connections", as a person with no role in the console sees it in real Chromium: they connect their account at
/// an upstream that requires OAuth through the same signed link a refused client gets, allow an MCP client on the
/// consent page, see both, then revoke the client and disconnect the account, each recorded in the audit log as theirs.
/// </summary>
public sealed class ConnectionsPageTests(ConnectionsPageTests.Gateway gateway, ConsoleBrowser browser)
    : IClassFixture<ConnectionsPageTests.Gateway>, IClassFixture<ConsoleBrowser>
{
    private const string Callback = "http://127.0.0.1:33421/callback";

    [Fact]
    public async Task A_person_connects_an_account_sees_the_client_they_allowed_then_revokes_and_disconnects()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await tab.Page.RouteAsync($"{Callback}**", route => route.FulfillAsync(new() { Body = "back at the client" }));
        await SignInAsync(tab);
        await Expect(tab.Page).ToHaveURLAsync(new Regex("/ui/connections$"));
        var accounts = tab.Page.GetByRole(AriaRole.Table, new() { Name = "Your accounts at servers" });
        await Expect(accounts.GetByRole(AriaRole.Row).Filter(new() { HasText = "remote" })).ToContainTextAsync("not connected");
        await Expect(tab.Page.GetByText("You have not allowed any MCP client yet.")).ToBeVisibleAsync();
        await tab.ScreenshotAsync("console-connections-empty");

        // The same signed /connect link a refused client is given: the provider knows the person already, and answers at once.
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Connect your account on remote" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Account connected" })).ToBeVisibleAsync();

        await tab.GoToAsync(QueryHelpers.AddQueryString("/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = "claude",
            ["redirect_uri"] = Callback,
            ["code_challenge"] = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes("verifier-of-this-test-0123456789abcdefghijk")))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            ["code_challenge_method"] = "S256",
            ["resource"] = gateway.McpUrl("remote").AbsoluteUri,
        }));
        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Allow Claude to use remote as you?" })).ToBeVisibleAsync();
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Expect(tab.Page).ToHaveURLAsync(new Regex(@"^http://127\.0\.0\.1:33421/callback\?code="));

        await tab.GoToAsync("/ui/connections");
        await Expect(accounts.GetByRole(AriaRole.Row).Filter(new() { HasText = "remote" })).ToContainTextAsync("connected");
        await Expect(accounts.GetByRole(AriaRole.Row).Filter(new() { HasText = "remote" })).Not.ToContainTextAsync("not connected");
        var consents = tab.Page.GetByRole(AriaRole.Table, new() { Name = "MCP clients you allowed" });
        await Expect(consents.GetByRole(AriaRole.Row).Filter(new() { HasText = "Claude" })).ToContainTextAsync("remote");
        await tab.ScreenshotAsync("console-connections");

        await using (var dark = await ConsolePage.OpenAsync(browser, gateway.BaseUrl, ColorScheme.Dark))
        {
            await SignInAsync(dark);
            await Expect(dark.Page.GetByRole(AriaRole.Table, new() { Name = "MCP clients you allowed" })).ToContainTextAsync("Claude");
            await dark.ScreenshotAsync("console-connections-dark");
        }

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Revoke Claude on remote" }).ClickAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("Its tokens stop working at once.");
        await tab.Page.GetByRole(AriaRole.Alertdialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(tab.Page.GetByText("Claude may no longer use remote as you; its tokens are revoked.")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("You have not allowed any MCP client yet.")).ToBeVisibleAsync();

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Disconnect your account on remote" }).ClickAsync();
        await tab.Page.GetByRole(AriaRole.Alertdialog).GetByRole(AriaRole.Button, new() { Name = "Disconnect" }).ClickAsync();
        await Expect(tab.Page.GetByText("Your account on remote is disconnected")).ToBeVisibleAsync();
        await Expect(accounts.GetByRole(AriaRole.Row).Filter(new() { HasText = "remote" })).ToContainTextAsync("not connected");

        var audit = await gateway.AuditOfAsync(Gateway.Person);
        Assert.Contains("\"oauth_consent_revoked\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"upstream_disconnected\"", audit, StringComparison.Ordinal);
        Assert.Empty(tab.Errors);
    }

    private static async Task SignInAsync(ConsolePage tab)
    {
        await tab.GoToAsync("/ui/sign-in");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = $"Sign in with {Gateway.ProviderName}" }).ClickAsync();
        await tab.Page.GetByLabel("User name").FillAsync(Gateway.Person);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await tab.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>
    /// <c>gatehouse serve</c> whose console and authorization endpoint sign people in with a real OpenID Connect provider,
    /// in front of an upstream (<c>remote</c>) that takes only that provider's tokens: each person connects their own account.
    /// </summary>
    public sealed class Gateway : IAsyncLifetime
    {
        public const string ProviderName = "Test IdP";

        /// <summary>A person the provider knows, with no role in the console, granted <c>remote</c>.</summary>
        public const string Person = "eve";

        private const string Secret = "provider-secret-of-this-test";
        private readonly TestDirectory _directory = new();
        private IdentityProvider _provider = null!;
        private RunningTestServer _upstream = null!;
        private GatehouseProcess _gateway = null!;

        public Uri BaseUrl => _gateway.BaseUrl;

        private string ConfigPath => _directory.File("gatehouse.json");

        public Uri McpUrl(string server) => _gateway.McpUrl(server);

        public async Task InitializeAsync()
        {
            var options = new IdentityProviderOptions();
            options.Users[Person] = [];
            _provider = await IdentityProvider.StartAsync(options);
            _upstream = await TestServerHost.StartAsync(new UpstreamProtection(_provider.Issuer, options.Audience));
            var upstreamOAuth = new JsonObject { ["clientId"] = "gatehouse-upstream", ["clientSecret"] = Secret, ["authorizationServer"] = _provider.Issuer.AbsoluteUri };
            GatewayConfigFile.Write(_directory, Upstreams.Servers(("remote", Upstreams.Http(_upstream.McpUrl).With("oauth", upstreamOAuth))),
                auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = _provider.Issuer.AbsoluteUri, ["audience"] = options.Audience } },
                extraGrants: new JsonArray(new JsonObject
                {
                    ["id"] = "eve-remote",
                    ["server"] = "remote",
                    ["identities"] = new JsonArray(Person),
                    ["policy"] = "policy-remote.json",
                }),
                sections: new JsonObject
                {
                    ["console"] = new JsonObject { ["oidc"] = new JsonObject { ["clientId"] = "gatehouse", ["clientSecret"] = Secret, ["displayName"] = ProviderName } },
                    ["oauth"] = new JsonObject
                    {
                        ["clients"] = new JsonArray(new JsonObject { ["clientId"] = "claude", ["redirectUris"] = new JsonArray(Callback), ["displayName"] = "Claude" }),
                    },
                });
            _gateway = await GatehouseProcess.StartAsync(ConfigPath);
            // Registered once the gateway's address is known, as an operator registers Gatehouse at their provider.
            options.Clients["gatehouse"] = new ProviderClient("gatehouse", Secret,
                [new Uri(BaseUrl, "/ui/signin-oidc"), new Uri(BaseUrl, "/oauth/signin-oidc")], [new Uri(BaseUrl, "/ui/signout-oidc")]);
            options.Clients["gatehouse-upstream"] = new ProviderClient("gatehouse-upstream", Secret, [new Uri(BaseUrl, "/connect/callback")], []);
        }

        /// <summary>The audit records of <paramref name="identity"/>, as <c>gatehouse audit query --json</c> prints them.</summary>
        public async Task<string> AuditOfAsync(string identity)
        {
            var result = await CliRunner.RunAsync("audit", "query", "--identity", identity, "--json", "--config", ConfigPath);
            return result.ExitCode == 0 ? result.Output : throw new InvalidOperationException($"audit query failed: {result.Output}{result.Error}");
        }

        public async Task DisposeAsync()
        {
            await _gateway.DisposeAsync();
            await _upstream.DisposeAsync();
            await _provider.DisposeAsync();
            _directory.Dispose();
        }
    }
}
