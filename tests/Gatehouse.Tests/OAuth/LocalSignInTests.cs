using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Audit;
using Gatehouse.OAuth;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Sign-in on a single machine without a provider (<c>oauth.localSignIn</c>): a person asks to sign in as an identity, an
/// admin approves the code their browser shows, and that browser alone is signed in, then asked for consent as with a
/// provider; a denial, another browser, a forged form or a caller without the admin role signs no one in.
/// </summary>
public sealed partial class LocalSignInTests : IAsyncLifetime
{
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))), auth: new JsonObject(),
            policies: new Dictionary<string, string> { ["test"] = PeopleSignInTests.FreshScopesPolicy() },
            extraGrants: new JsonArray(new JsonObject
            {
                ["id"] = "alice-test",
                ["server"] = "test",
                ["identities"] = new JsonArray("alice"),
                ["policy"] = "policy-test.json",
            }),
            sections: new JsonObject
            {
                ["oauth"] = new JsonObject
                {
                    ["localSignIn"] = true,
                    ["clients"] = new JsonArray(new JsonObject
                    {
                        ["clientId"] = OAuthTestClient.ClientId,
                        ["redirectUris"] = new JsonArray(OAuthTestClient.RedirectUri),
                        ["displayName"] = "Test client",
                    }),
                },
            });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_person_signs_in_once_an_admin_approves_and_their_token_works()
    {
        using var browser = new SignInBrowser("alice");
        using var flow = new OAuthTestClient(_gateway.BaseUrl);
        var code = await AskAsync(browser, flow, "alice");
        using (var waiting = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, "/oauth/local/wait")))
        {
            Assert.Equal(HttpStatusCode.OK, waiting.StatusCode);
        }

        var pending = JsonNode.Parse(await SendAsync(HttpMethod.Get, "/admin/v1/oauth/sign-ins", await AdminKeyAsync()))!.AsArray();
        var request = Assert.Single(pending, r => r!["code"]!.GetValue<string>() == code)!;
        Assert.Equal("alice", request["identity"]!.GetValue<string>());
        Assert.Equal("test", request["server"]!.GetValue<string>());
        Assert.Equal("Test client", request["clientName"]!.GetValue<string>());
        await SendAsync(HttpMethod.Post, $"/admin/v1/oauth/sign-ins/{code}/approve", await AdminKeyAsync(), HttpStatusCode.NoContent);
        await Eventually.UntilAsync(async () => (await _gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Admin }, default))
            .Records.Any(r => r.Event is { Decision: AuditDecisions.SignInApproved, Identity: "admin", Target: "alice" } && r.Event.Reason!.Contains(code, StringComparison.Ordinal)),
            "the approval in the audit log under the admin");

        using var approved = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, "/oauth/local/wait"));
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var back = await browser.AuthorizeAsync(new Uri(_gateway.BaseUrl, approved.Headers.Location!), new Uri(OAuthTestClient.RedirectUri));
        Assert.Equal(1, browser.ConsentPagesSeen);
        var (status, body) = await flow.ExchangeAsync(QueryHelpers.ParseQuery(back.Query)["code"].ToString());
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        await using var client = await _gateway.ConnectAsync("test", bearer: body["access_token"]!.GetValue<string>());
        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
    }

    [Fact]
    public async Task A_denied_sign_in_signs_no_one_in()
    {
        using var browser = new SignInBrowser("alice");
        using var flow = new OAuthTestClient(_gateway.BaseUrl);
        var code = await AskAsync(browser, flow, "alice");

        await SendAsync(HttpMethod.Post, $"/admin/v1/oauth/sign-ins/{code}/deny", await AdminKeyAsync(), HttpStatusCode.NoContent);

        using var denied = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, "/oauth/local/wait"));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        using var again = await browser.Http.GetAsync(PeopleSignInTests.AuthorizeUri(flow, "test"));
        Assert.Contains("/oauth/local/ask", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approved_sign_in_is_only_for_the_browser_that_asked()
    {
        using var browser = new SignInBrowser("alice");
        using var flow = new OAuthTestClient(_gateway.BaseUrl);
        var code = await AskAsync(browser, flow, "alice");
        await SendAsync(HttpMethod.Post, $"/admin/v1/oauth/sign-ins/{code}/approve", await AdminKeyAsync(), HttpStatusCode.NoContent);
        using var other = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _gateway.BaseUrl };

        foreach (var cookie in new[] { null, $"gatehouse-oauth-local={code}.{new string('0', 64)}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/local/wait");
            if (cookie is not null)
            {
                request.Headers.Add("Cookie", cookie);
            }

            using var response = await other.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var mine = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, "/oauth/local/wait"));
        Assert.Equal(HttpStatusCode.Redirect, mine.StatusCode);
    }

    [Fact]
    public async Task A_forged_ask_and_a_caller_without_the_admin_role_change_nothing()
    {
        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _gateway.BaseUrl };
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["identity"] = "alice", ["return"] = "/oauth/authorize?client_id=x" });
        using var forged = await stranger.PostAsync("/oauth/local/ask", form);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        using var browser = new SignInBrowser("alice");
        using var flow = new OAuthTestClient(_gateway.BaseUrl);
        var code = await AskAsync(browser, flow, "alice");
        var someone = (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync("someone", roles: [])).Secret;
        await SendAsync(HttpMethod.Post, $"/admin/v1/oauth/sign-ins/{code}/approve", someone, HttpStatusCode.Forbidden);
        using var waiting = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, "/oauth/local/wait"));
        Assert.Equal(HttpStatusCode.OK, waiting.StatusCode);
    }

    [Fact]
    public async Task A_person_sees_the_client_they_allowed_and_revoking_it_stops_its_tokens_but_no_one_else_can()
    {
        using var browser = new SignInBrowser("alice");
        using var flow = new OAuthTestClient(_gateway.BaseUrl);
        var code = await AskAsync(browser, flow, "alice");
        await SendAsync(HttpMethod.Post, $"/admin/v1/oauth/sign-ins/{code}/approve", await AdminKeyAsync(), HttpStatusCode.NoContent);
        using var approved = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, "/oauth/local/wait"));
        var back = await browser.AuthorizeAsync(new Uri(_gateway.BaseUrl, approved.Headers.Location!), new Uri(OAuthTestClient.RedirectUri));
        var (_, body) = await flow.ExchangeAsync(QueryHelpers.ParseQuery(back.Query)["code"].ToString());
        var access = body["access_token"]!.GetValue<string>();
        await using var scope = _gateway.Services.CreateAsyncScope();
        var consents = scope.ServiceProvider.GetRequiredService<IOAuthConsents>();

        var consent = Assert.Single(await consents.ListAsync("alice", CancellationToken.None));

        Assert.Equal((OAuthTestClient.ClientId, "Test client", "test"), (consent.ClientId, consent.ClientName, consent.Server));
        Assert.Empty(await consents.ListAsync("mallory", CancellationToken.None));
        Assert.Null(await consents.RevokeAsync("mallory", consent.Id, CancellationToken.None));
        Assert.Null(await consents.RevokeAsync("alice", "no-such-consent", CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, await InitializeStatusAsync(access));

        Assert.NotNull(await consents.RevokeAsync("alice", consent.Id, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, await InitializeStatusAsync(access));
        Assert.Equal(HttpStatusCode.BadRequest, (await flow.RefreshAsync(body["refresh_token"]!.GetValue<string>())).Status);
        Assert.Empty(await consents.ListAsync("alice", CancellationToken.None));
        var records = (await _gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Admin }, default)).Records;
        var revoked = Assert.Single(records, r => r.Event.Decision == AuditDecisions.OAuthConsentRevoked);
        Assert.Equal(("alice", OAuthTestClient.ClientId, "test"), (revoked.Event.Identity, revoked.Event.Target, revoked.Event.Server));
    }

    [Fact]
    public async Task Prompt_login_asks_a_signed_in_person_for_a_new_code_and_keeps_their_session_meanwhile()
    {
        using var browser = new SignInBrowser("alice");
        using var flow = new OAuthTestClient(_gateway.BaseUrl);
        var code = await AskAsync(browser, flow, "alice");
        await SendAsync(HttpMethod.Post, $"/admin/v1/oauth/sign-ins/{code}/approve", await AdminKeyAsync(), HttpStatusCode.NoContent);
        using var approved = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, "/oauth/local/wait"));
        await browser.AuthorizeAsync(new Uri(_gateway.BaseUrl, approved.Headers.Location!), new Uri(OAuthTestClient.RedirectUri));

        using var again = await browser.Http.GetAsync(QueryHelpers.AddQueryString(PeopleSignInTests.AuthorizeUri(flow, "test").AbsoluteUri, "prompt", "login"));

        var html = WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync());
        Assert.Contains("/oauth/local/ask", html, StringComparison.Ordinal);
        // Back from the new sign-in marked as asked, or it would ask for ever.
        Assert.Contains(Gatehouse.OAuth.SignIn.FreshLogin.Field, html, StringComparison.Ordinal);
        // Until that new sign-in succeeds, the earlier one still stands.
        using var plain = await browser.Http.GetAsync(PeopleSignInTests.AuthorizeUri(flow, "test"));
        var page = await plain.Content.ReadAsStringAsync();
        Assert.DoesNotContain("/oauth/local/ask", page, StringComparison.Ordinal);
        Assert.True(plain.Headers.Location?.AbsoluteUri.StartsWith(OAuthTestClient.RedirectUri, StringComparison.Ordinal) == true ||
            page.Contains(Gatehouse.OAuth.SignIn.ConsentTicket.Field, StringComparison.Ordinal), $"{plain.StatusCode} {plain.Headers.Location}: {page}");
    }

    private async Task<HttpStatusCode> InitializeStatusAsync(string accessToken)
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("test"));
        using var request = raw.Post(RawMcpClient.Initialize);
        request.Headers.Authorization = new("Bearer", accessToken);
        using var response = await raw.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The person opens the client's authorization request and asks to sign in as <paramref name="identity"/>: the code shown.</summary>
    private async Task<string> AskAsync(SignInBrowser browser, OAuthTestClient flow, string identity)
    {
        using var page = await browser.Http.GetAsync(PeopleSignInTests.AuthorizeUri(flow, "test", PeopleSignInTests.Fresh()));
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        using var ask = await browser.Http.PostAsync(new Uri(_gateway.BaseUrl, "/oauth/local/ask"),
            new FormUrlEncodedContent([.. SignInBrowser.HiddenFields(html), KeyValuePair.Create("identity", identity)]));
        Assert.Equal(HttpStatusCode.Redirect, ask.StatusCode);
        using var waiting = await browser.Http.GetAsync(new Uri(_gateway.BaseUrl, ask.Headers.Location!));
        return ApproveCode().Match(await waiting.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    private async Task<string> AdminKeyAsync() =>
        (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync("admin", roles: ["admin"])).Secret;

    private async Task<string> SendAsync(HttpMethod method, string path, string bearer, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var http = new HttpClient { BaseAddress = _gateway.BaseUrl };
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        return text;
    }

    [GeneratedRegex("/admin/v1/oauth/sign-ins/([A-Z0-9-]+)/approve")]
    private static partial Regex ApproveCode();
}
