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
/// The page a person sees when an MCP client asks to act for them, in real Chromium at 1280x800: signed in at the
/// provider, they read which client, server and grant, allow, and the browser goes back to the client with a code.
/// </summary>
public sealed class OAuthConsentPageTests(ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>, IAsyncLifetime
{
    private const string Callback = "http://127.0.0.1:33418/callback";
    private IdentityProvider _provider = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        var options = new IdentityProviderOptions();
        options.Users["alice"] = [];
        _provider = await IdentityProvider.StartAsync(options);
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("listmonk", Upstreams.Http(_upstream.McpUrl))),
            auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = _provider.Issuer.AbsoluteUri, ["audience"] = options.Audience } },
            extraGrants: new JsonArray(new JsonObject
            {
                ["id"] = "marketing",
                ["server"] = "listmonk",
                ["identities"] = new JsonArray("alice"),
                ["policy"] = "policy-listmonk.json",
            }),
            sections: new JsonObject
            {
                ["console"] = new JsonObject { ["oidc"] = new JsonObject { ["clientId"] = "gatehouse", ["clientSecret"] = "provider-secret-of-this-test" } },
                ["oauth"] = new JsonObject
                {
                    ["clients"] = new JsonArray(new JsonObject
                    {
                        ["clientId"] = "claude",
                        ["redirectUris"] = new JsonArray(Callback),
                        ["displayName"] = "Claude",
                    }),
                },
            });
        options.Clients["gatehouse"] = new ProviderClient("gatehouse", "provider-secret-of-this-test", [new Uri(_gateway.BaseUrl, "/oauth/signin-oidc")], []);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task A_person_reads_the_client_server_and_grant_and_allows()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, _gateway.BaseUrl);
        // The client's callback: nothing listens there, the browser just arrives.
        await tab.Page.RouteAsync($"{Callback}**", route => route.FulfillAsync(new() { Body = "back at the client" }));
        var verifier = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await tab.GoToAsync(QueryHelpers.AddQueryString("/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = "claude",
            ["redirect_uri"] = Callback,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
            ["state"] = "s1",
            ["resource"] = _gateway.McpUrl("listmonk").AbsoluteUri,
        }));
        await tab.Page.GetByLabel("User name").FillAsync("alice");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Allow Claude to use listmonk as you?" })).ToBeVisibleAsync();
        await Expect(tab.Page.GetByText("http://127.0.0.1:33418")).ToBeVisibleAsync();
        await Expect(tab.Page.GetByRole(AriaRole.Definition).Filter(new() { HasText = "marketing" })).ToBeVisibleAsync();
        var allow = tab.Page.GetByRole(AriaRole.Button, new() { Name = "Allow" });
        await Expect(allow).ToBeInViewportAsync();
        Assert.True(await tab.Page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways at 1280x800.");
        await tab.ScreenshotAsync("oauth-consent");

        await allow.ClickAsync();

        await Expect(tab.Page).ToHaveURLAsync(new Regex(@"^http://127\.0\.0\.1:33418/callback\?code=[^&]+&state=s1&iss="));
        Assert.Empty(tab.Errors);
    }

    [Fact]
    public async Task The_consent_page_follows_a_dark_system_theme_in_the_consoles_colours()
    {
        await using var tab = await ConsolePage.OpenAsync(browser, _gateway.BaseUrl, ColorScheme.Dark);
        await tab.GoToAsync(QueryHelpers.AddQueryString("/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = "claude",
            ["redirect_uri"] = Callback,
            ["code_challenge"] = Convert.ToBase64String(SHA256.HashData(RandomNumberGenerator.GetBytes(32))).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            ["code_challenge_method"] = "S256",
            ["state"] = "s2",
            ["resource"] = _gateway.McpUrl("listmonk").AbsoluteUri,
        }));
        await tab.Page.GetByLabel("User name").FillAsync("alice");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Expect(tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Allow Claude to use listmonk as you?" })).ToBeVisibleAsync();
        // The console's dark layers: the page's card and its text, not the light theme's white.
        Assert.Equal("rgb(41, 41, 41)", await tab.Page.Locator("main").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        Assert.Equal("rgb(240, 240, 240)", await tab.Page.Locator("body").EvaluateAsync<string>("e => getComputedStyle(e).color"));
        await tab.ScreenshotAsync("oauth-consent-dark");
    }
}
