using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// The console's OAuth page on a gateway whose people sign in on this machine (<c>oauth.localSignIn</c>), in real
/// Chromium: a person asks to sign in in their own browser, the admin sees the code and approves it, the person consents
/// and their client gets tokens, which the admin then finds by identity and revokes; every answer is in the audit log.
/// </summary>
public sealed class OAuthPageTests(OAuthPageTests.Gateway gateway, ConsoleBrowser browser) : IClassFixture<OAuthPageTests.Gateway>, IClassFixture<ConsoleBrowser>
{
    private const string Callback = "http://127.0.0.1:33420/callback";

    [Fact]
    public async Task An_admin_approves_a_waiting_sign_in_then_finds_and_revokes_the_persons_tokens()
    {
        await using var admin = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await admin.SignInAsync(gateway.AdminKey);
        await admin.Page.GetByRole(AriaRole.Link, new() { Name = "OAuth" }).ClickAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Heading, new() { Name = "OAuth", Exact = true })).ToBeVisibleAsync();
        await Expect(admin.Page.GetByText("Nobody is waiting to sign in.")).ToBeVisibleAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Table, new() { Name = "OAuth clients" }).GetByRole(AriaRole.Row).Filter(new() { HasText = "Claude" }))
            .ToContainTextAsync("configured");
        await admin.ScreenshotAsync("console-oauth-empty");

        // The person, in a browser of their own, asks to sign in for their client.
        await using var person = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await person.Page.RouteAsync($"{Callback}**", route => route.FulfillAsync(new() { Body = "back at the client" }));
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        await person.GoToAsync(QueryHelpers.AddQueryString("/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = "claude",
            ["redirect_uri"] = Callback,
            ["code_challenge"] = Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
            ["state"] = "s1",
            ["resource"] = gateway.McpUrl("listmonk").AbsoluteUri,
        }));
        await person.Page.GetByLabel("Your identity at Gatehouse").FillAsync("alice");
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Ask an admin" }).ClickAsync();
        await Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "Waiting for an admin" })).ToBeVisibleAsync();
        var code = Regex.Match(await person.Page.ContentAsync(), @"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b").Value;
        Assert.NotEmpty(code);

        // The admin's page shows the request by itself, and the approval goes through the same service as the admin API.
        var approve = admin.Page.GetByRole(AriaRole.Button, new() { Name = $"Approve {code} for alice" });
        await Expect(approve).ToBeVisibleAsync();
        var row = admin.Page.GetByRole(AriaRole.Row).Filter(new() { HasText = code });
        await Expect(row).ToContainTextAsync("Claude");
        await Expect(row).ToContainTextAsync("listmonk");
        await admin.ScreenshotAsync("console-oauth");
        await approve.ClickAsync();
        await Expect(admin.Page.GetByText($"Approved: the browser that shows {code} signs in as alice")).ToBeVisibleAsync();
        await Expect(admin.Page.GetByText("Nobody is waiting to sign in.")).ToBeVisibleAsync();

        // The person's page moves on by itself, to the consent page; allowed, their client gets tokens.
        await Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "Allow Claude to use listmonk as you?" })).ToBeVisibleAsync();
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Allow" }).ClickAsync();
        await Expect(person.Page).ToHaveURLAsync(new Regex(@"^http://127\.0\.0\.1:33420/callback\?code="));
        var accessToken = await gateway.ExchangeAsync(QueryHelpers.ParseQuery(new Uri(person.Page.Url).Query)["code"].ToString(), verifier, Callback);
        Assert.Equal(HttpStatusCode.OK, await gateway.McpStatusAsync(accessToken));

        await admin.Page.GetByLabel("Identity").FillAsync("alice");
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Show tokens" }).ClickAsync();
        var tokens = admin.Page.GetByRole(AriaRole.Table, new() { Name = "Tokens of alice" });
        await Expect(tokens.GetByRole(AriaRole.Row).Filter(new() { HasText = "access token" })).ToContainTextAsync("valid");
        await admin.ScreenshotAsync("console-oauth-tokens", tokens);
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Revoke every token of alice" }).ClickAsync();
        await admin.Page.GetByRole(AriaRole.Alertdialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(admin.Page.GetByText(new Regex(@"\d+ tokens? of alice revoked"))).ToBeVisibleAsync();
        await Expect(tokens.GetByRole(AriaRole.Row).Filter(new() { HasText = "access token" })).ToContainTextAsync("revoked");

        Assert.Equal(HttpStatusCode.Unauthorized, await gateway.McpStatusAsync(accessToken));
        var audit = await gateway.AuditOfAsync("ops");
        Assert.Contains("\"sign_in_approved\"", audit, StringComparison.Ordinal);
        Assert.Contains(code, audit, StringComparison.Ordinal);
        Assert.Contains("\"oauth_tokens_revoked\"", audit, StringComparison.Ordinal);
        Assert.Empty(admin.Errors);
    }

    [Fact]
    public async Task A_denied_sign_in_leaves_the_person_signed_out_and_the_page_is_read_in_the_dark_theme()
    {
        await using var person = await ConsolePage.OpenAsync(browser, gateway.BaseUrl);
        await person.GoToAsync(QueryHelpers.AddQueryString("/oauth/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = "claude",
            ["redirect_uri"] = Callback,
            ["code_challenge"] = Base64Url(SHA256.HashData(RandomNumberGenerator.GetBytes(32))),
            ["code_challenge_method"] = "S256",
            ["resource"] = gateway.McpUrl("listmonk").AbsoluteUri,
        }));
        await person.Page.GetByLabel("Your identity at Gatehouse").FillAsync("mallory");
        await person.Page.GetByRole(AriaRole.Button, new() { Name = "Ask an admin" }).ClickAsync();
        var code = Regex.Match(await person.Page.ContentAsync(), @"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b").Value;

        await using var admin = await ConsolePage.OpenAsync(browser, gateway.BaseUrl, ColorScheme.Dark);
        await admin.SignInAsync(gateway.AdminKey);
        await admin.GoToAsync("/ui/oauth");
        var deny = admin.Page.GetByRole(AriaRole.Button, new() { Name = $"Deny {code} for mallory" });
        await Expect(deny).ToBeVisibleAsync();
        await admin.ScreenshotAsync("console-oauth-dark");
        await deny.ClickAsync();

        await Expect(admin.Page.GetByText($"Denied: mallory is not signed in with {code}.")).ToBeVisibleAsync();
        await Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "An admin said no" })).ToBeVisibleAsync();

        // A configured client's tokens are revoked; it stays, as the configuration would bring it back.
        await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Revoke client claude" }).ClickAsync();
        await Expect(admin.Page.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("It is in the configuration, so it stays registered");
        await admin.ScreenshotAsync("console-oauth-revoke-client-dark", admin.Page.GetByRole(AriaRole.Alertdialog));
        await admin.Page.GetByRole(AriaRole.Alertdialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(admin.Page.GetByText("The tokens of claude are revoked. It stays registered while it is in oauth.clients.")).ToBeVisibleAsync();
        var audit = await gateway.AuditOfAsync("ops");
        Assert.Contains("\"sign_in_denied\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"oauth_client_revoked\"", audit, StringComparison.Ordinal);
        Assert.Empty(admin.Errors);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary><c>gatehouse serve</c> with local sign-in on, a configured client <c>claude</c>, and alice granted the demo server.</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        private readonly TestDirectory _directory = new();
        private GatehouseProcess _gateway = null!;

        public Uri BaseUrl => _gateway.BaseUrl;

        /// <summary>A key with the admin role, for identity <c>ops</c>.</summary>
        public string AdminKey { get; private set; } = "";

        private string ConfigPath => _directory.File("gatehouse.json");

        public Uri McpUrl(string server) => _gateway.McpUrl(server);

        public async Task InitializeAsync()
        {
            GatewayConfigFile.Write(_directory, Upstreams.Servers(("listmonk", Upstreams.Demo(_directory.File("listmonk.db")))), auth: new JsonObject(),
                extraGrants: new JsonArray(new JsonObject
                {
                    ["id"] = "alice-listmonk",
                    ["server"] = "listmonk",
                    ["identities"] = new JsonArray("alice"),
                    ["policy"] = "policy-listmonk.json",
                }),
                sections: new JsonObject
                {
                    ["oauth"] = new JsonObject
                    {
                        ["localSignIn"] = true,
                        ["clients"] = new JsonArray(new JsonObject { ["clientId"] = "claude", ["redirectUris"] = new JsonArray(Callback), ["displayName"] = "Claude" }),
                    },
                });
            _gateway = await GatehouseProcess.StartAsync(ConfigPath);
            var created = await CliRunner.RunAsync("keys", "create", "--identity", "ops", "--role", "admin", "--config", ConfigPath);
            AdminKey = created.ExitCode == 0 ? created.Output.Split('\n')[0].Trim() : throw new InvalidOperationException($"keys create failed: {created.Output}{created.Error}");
        }

        /// <summary>Exchanges <paramref name="code"/> at the token endpoint, as the client does: the access token.</summary>
        public async Task<string> ExchangeAsync(string code, string verifier, string redirectUri)
        {
            using var http = new HttpClient { BaseAddress = BaseUrl };
            using var response = await http.PostAsync("/oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["redirect_uri"] = redirectUri,
                ["client_id"] = "claude",
                ["code_verifier"] = verifier,
            }));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, body);
            return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
        }

        /// <summary>What the demo server's endpoint answers an initialize carrying <paramref name="accessToken"/>.</summary>
        public async Task<HttpStatusCode> McpStatusAsync(string accessToken)
        {
            using var raw = new RawMcpClient(McpUrl("listmonk"));
            using var request = raw.Post(RawMcpClient.Initialize);
            request.Headers.Authorization = new("Bearer", accessToken);
            using var response = await raw.SendAsync(request);
            return response.StatusCode;
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
            _directory.Dispose();
        }
    }
}
