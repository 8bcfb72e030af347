using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.TestIdentityProvider;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.AspNetCore.WebUtilities;
using ModelContextProtocol;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// People sign in at Gatehouse's authorization endpoint with the operator's OpenID Connect provider (a real one, started
/// here), consent, and a real MCP client (the C# SDK's, with its OAuth support: discovery, dynamic registration, PKCE)
/// then calls through with the token it got: allowed and refused per grant, good at one server only.
/// </summary>
public sealed class PeopleSignInTests(PeopleSignInTests.Gateway shared) : IClassFixture<PeopleSignInTests.Gateway>
{
    /// <summary>Granted <c>test</c> by name and <c>other</c> by the provider's role <c>marketing</c>.</summary>
    public const string Alice = "alice";

    /// <summary>Known to the provider, with no grant anywhere.</summary>
    public const string Bob = "bob";

    private static readonly Uri s_callback = new("http://127.0.0.1:33419/callback");

    [Fact]
    public async Task A_person_signs_in_consents_and_the_SDK_client_calls_through()
    {
        using var browser = new SignInBrowser(Alice);
        await using var client = await ConnectAsync("test", browser);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hello" });

        Assert.NotEqual(true, result.IsError);
        Assert.Equal(1, browser.ConsentPagesSeen);
        Assert.Contains("SDK client", browser.LastConsentPage, StringComparison.Ordinal);
        Assert.Contains("alice-test", browser.LastConsentPage, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:33419", browser.LastConsentPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_SDK_client_steps_up_when_a_call_needs_a_scope_its_token_lacks_and_the_person_consents_again()
    {
        using var browser = new SignInBrowser(Alice);
        await using var client = await ConnectAsync("test", browser);
        Assert.NotEqual(true, (await client.CallToolAsync("test_simple_text")).IsError);
        Assert.Equal(1, browser.ConsentPagesSeen);
        Assert.DoesNotContain("test:send", browser.LastConsentPage, StringComparison.Ordinal);

        // The operator now asks a scope for that tool, which the client's token was not issued with.
        var policy = shared.Gatehouse.Config.Grants.Single(g => g.Id == "alice-test").PolicyPath;
        var before = await File.ReadAllTextAsync(policy);
        await File.WriteAllTextAsync(policy, FreshScopesPolicy("\"test_simple_text\": { \"scopes\": [\"test:send\"] },"));
        try
        {
            using var metadata = new OAuthTestClient(shared.Gatehouse.BaseUrl);
            await Eventually.UntilAsync(async () => (await metadata.GetJsonAsync("/.well-known/oauth-protected-resource/mcp/test"))["scopes_supported"]!
                .AsArray().Any(s => s!.GetValue<string>() == "test:send"), "the edited policy in force");

            var stepped = await client.CallToolAsync("test_simple_text");

            Assert.NotEqual(true, stepped.IsError);
            Assert.Equal(2, browser.ConsentPagesSeen);
            Assert.Contains("<code>test:send</code>", browser.LastConsentPage, StringComparison.Ordinal);
        }
        finally
        {
            await File.WriteAllTextAsync(policy, before);
        }
    }

    [Fact]
    public async Task The_id_tokens_claims_select_grants_as_a_JWTs_do()
    {
        using var browser = new SignInBrowser(Alice);
        await using var client = await ConnectAsync("other", browser);

        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
        Assert.Contains("marketing-other", browser.LastConsentPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_without_a_grant_is_told_so_and_gets_no_token()
    {
        using var browser = new SignInBrowser(Bob);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);

        var back = await browser.AuthorizeAsync(AuthorizeUri(flow, "test"), new Uri(OAuthTestClient.RedirectUri));

        Assert.Contains("holds no grant", browser.LastConsentPage, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"approve\"", browser.LastConsentPage, StringComparison.Ordinal);
        Assert.Equal("access_denied", QueryHelpers.ParseQuery(back.Query)["error"].ToString());
    }

    [Fact]
    public async Task A_denied_consent_returns_access_denied_and_no_code()
    {
        using var browser = new SignInBrowser(Alice, "deny");
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);

        var back = await browser.AuthorizeAsync(AuthorizeUri(flow, "test", Fresh()), new Uri(OAuthTestClient.RedirectUri));

        Assert.Equal(1, browser.ConsentPagesSeen);
        var parameters = QueryHelpers.ParseQuery(back.Query);
        Assert.Equal("access_denied", parameters["error"].ToString());
        Assert.Equal("state-1", parameters["state"].ToString());
        Assert.False(parameters.ContainsKey("code"));
    }

    [Fact]
    public async Task Consent_is_remembered_per_client_and_server()
    {
        using var browser = new SignInBrowser(Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var redirect = new Uri(OAuthTestClient.RedirectUri);

        var scope = Fresh();

        var first = await browser.AuthorizeAsync(AuthorizeUri(flow, "test", scope), redirect);
        var again = await browser.AuthorizeAsync(AuthorizeUri(flow, "test", scope), redirect);
        Assert.Equal(1, browser.ConsentPagesSeen);
        var elsewhere = await browser.AuthorizeAsync(AuthorizeUri(flow, "other", scope), redirect);
        Assert.Equal(2, browser.ConsentPagesSeen);
        var more = await browser.AuthorizeAsync(AuthorizeUri(flow, "test", $"{scope} {Fresh()}"), redirect);
        Assert.Equal(3, browser.ConsentPagesSeen);

        foreach (var back in new[] { first, again, elsewhere, more })
        {
            var (status, body) = await flow.ExchangeAsync(QueryHelpers.ParseQuery(back.Query)["code"].ToString());
            Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        }
    }

    [Fact]
    public async Task A_request_that_allows_no_page_is_told_login_or_consent_required_and_prompt_consent_asks_again()
    {
        using var browser = new SignInBrowser(Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var redirect = new Uri(OAuthTestClient.RedirectUri);
        var scope = Fresh();

        Assert.Equal("login_required", Error(await browser.AuthorizeAsync(WithPrompt(AuthorizeUri(flow, "test", scope), "none"), redirect)));
        await browser.AuthorizeAsync(AuthorizeUri(flow, "test", scope), redirect);
        Assert.Equal("consent_required", Error(await browser.AuthorizeAsync(WithPrompt(AuthorizeUri(flow, "test", Fresh()), "none"), redirect)));
        var silent = await browser.AuthorizeAsync(WithPrompt(AuthorizeUri(flow, "test", scope), "none"), redirect);
        Assert.True(QueryHelpers.ParseQuery(silent.Query).ContainsKey("code"));
        Assert.Equal(1, browser.ConsentPagesSeen);

        await browser.AuthorizeAsync(WithPrompt(AuthorizeUri(flow, "test", scope), "consent"), redirect);
        Assert.Equal(2, browser.ConsentPagesSeen);

        static string Error(Uri back) => QueryHelpers.ParseQuery(back.Query)["error"].ToString();
        static Uri WithPrompt(Uri request, string prompt) => new(QueryHelpers.AddQueryString(request.AbsoluteUri, "prompt", prompt));
    }

    [Fact]
    public async Task A_token_for_one_server_is_refused_at_another()
    {
        using var browser = new SignInBrowser(Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var back = await browser.AuthorizeAsync(AuthorizeUri(flow, "test"), new Uri(OAuthTestClient.RedirectUri));
        var (_, body) = await flow.ExchangeAsync(QueryHelpers.ParseQuery(back.Query)["code"].ToString());

        using var raw = new RawMcpClient(shared.Gatehouse.McpUrl("other"));
        using var request = raw.Post(RawMcpClient.Initialize);
        request.Headers.Authorization = new("Bearer", body["access_token"]!.GetValue<string>());
        using var response = await raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>
    /// The authorization request of <paramref name="flow"/> for <paramref name="server"/>; with <paramref name="scope"/>, a
    /// request no other test asked for, so that no consent given before answers it.
    /// </summary>
    internal static Uri AuthorizeUri(OAuthTestClient flow, string server, string? scope = null)
    {
        var query = flow.AuthorizeQuery(server);
        query["scope"] = scope;
        return new(QueryHelpers.AddQueryString(new Uri(flow.Resource(server), "/oauth/authorize").AbsoluteUri, query.Where(p => p.Value is not null)));
    }

    /// <summary>A scope no other request of this test run asked for, one of those <see cref="FreshScopesPolicy"/> names.</summary>
    internal static string Fresh() => $"fresh-{Interlocked.Increment(ref s_fresh) % FreshScopes}";

    private const int FreshScopes = 64;
    private static int s_fresh;

    /// <summary>
    /// A policy that allows every call and names the scopes <see cref="Fresh"/> hands out (on a tool no test calls), so that
    /// the authorization server takes them: it grants only scopes a server's policies or grants name.
    /// </summary>
    internal static string FreshScopesPolicy(string extraTools = "") => $$"""
        { "version": "1", "default": "allow", "tools": { {{extraTools}}
          "never_called": { "scopes": [{{string.Join(", ", Enumerable.Range(0, FreshScopes).Select(i => $"\"fresh-{i}\""))}}] } } }
        """;

    /// <summary>The SDK's client with its OAuth support, registering itself, the browser doing the person's part.</summary>
    private async Task<McpClient> ConnectAsync(string server, SignInBrowser browser)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = shared.Gatehouse.McpUrl(server),
            OAuth = new ClientOAuthOptions
            {
                RedirectUri = s_callback,
                DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = "SDK client" },
                AuthorizationCallbackHandler = async (context, _) =>
                {
                    var back = QueryHelpers.ParseQuery((await browser.AuthorizeAsync(context.AuthorizationUri, context.RedirectUri)).Query);
                    return new AuthorizationResult { Code = back["code"].ToString(), State = back["state"].ToString(), Iss = back["iss"].ToString() };
                },
            },
        });
        return await McpClient.CreateAsync(transport);
    }

    /// <summary>The provider, the upstream and the gateway, shared by the tests (each signs in with a browser of its own).</summary>
    public sealed class Gateway : IAsyncLifetime
    {
        private const string ProviderClientId = "gatehouse";
        private const string ProviderSecret = "provider-secret-of-this-test";
        private IdentityProvider _provider = null!;
        private RunningTestServer _upstream = null!;

        public RunningGateway Gatehouse { get; private set; } = null!;

        /// <summary>The provider people sign in with.</summary>
        public IdentityProvider Provider => _provider;

        public async Task InitializeAsync()
        {
            var options = new IdentityProviderOptions();
            options.Users[Alice] = ["marketing"];
            options.Users[Bob] = [];
            _provider = await IdentityProvider.StartAsync(options);
            _upstream = await TestServerHost.StartAsync();
            Gatehouse = await RunningGateway.StartAsync(
                Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl)), ("other", Upstreams.Http(_upstream.McpUrl))),
                policies: new Dictionary<string, string> { ["test"] = FreshScopesPolicy(), ["other"] = FreshScopesPolicy() },
                auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = _provider.Issuer.AbsoluteUri, ["audience"] = options.Audience } },
                extraGrants: new JsonArray(
                    new JsonObject { ["id"] = "alice-test", ["server"] = "test", ["identities"] = new JsonArray(Alice), ["policy"] = "policy-test.json" },
                    new JsonObject { ["id"] = "marketing-other", ["server"] = "other", ["identities"] = new JsonArray("claim:roles=marketing"), ["policy"] = "policy-other.json" }),
                sections: new JsonObject
                {
                    ["console"] = new JsonObject { ["oidc"] = new JsonObject { ["clientId"] = ProviderClientId, ["clientSecret"] = ProviderSecret } },
                    ["oauth"] = new JsonObject
                    {
                        ["clients"] = new JsonArray(new JsonObject
                        {
                            ["clientId"] = OAuthTestClient.ClientId,
                            ["redirectUris"] = new JsonArray(OAuthTestClient.RedirectUri),
                            ["displayName"] = "Test client",
                        }),
                    },
                });
            // Registered once Gatehouse's address is known, as an operator registers it at their provider.
            options.Clients[ProviderClientId] = new ProviderClient(ProviderClientId, ProviderSecret, [new Uri(Gatehouse.BaseUrl, "/oauth/signin-oidc")], []);
        }

        public async Task DisposeAsync()
        {
            await Gatehouse.DisposeAsync();
            await _upstream.DisposeAsync();
            await _provider.DisposeAsync();
        }
    }
}
