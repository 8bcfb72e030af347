using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.OAuth;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Scopes per server: alice's grant on <c>test</c> needs <c>test:read</c>, and its policy's rule for <c>echo</c> needs
/// <c>test:echo</c>. The endpoint's metadata offers both, the authorization server grants nothing else, and a token
/// lacking one is refused with 403 <c>insufficient_scope</c> naming the scopes to ask for, on either revision's path,
/// until the client gets a token with them. JWTs are held to their <c>scope</c> claim; API keys to nothing.
/// </summary>
public sealed class ScopeStepUpTests : IAsyncLifetime
{
    private const string JwtIssuer = "https://idp.example.com/";
    private const string JwtKey = "a-test-signing-key-of-at-least-32-chars!";
    private const string Policy = """
        { "version": "1", "default": "allow",
          "tools": { "echo": { "scopes": ["test:echo"] }, "test_error_handling": "deny" },
          "resources": { "test://static-text": { "scopes": ["test:echo"] } } }
        """;

    // Every tool of any risk: a rule chosen by the tool's class, which only the catalog knows.
    private const string ClassPolicy = """
        { "version": "1", "default": "allow",
          "classes": [ { "risk": ["low", "medium", "high", "critical"], "scopes": ["classy:use"] } ] }
        """;

    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private OAuthTestClient _client = null!;

    private string MetadataUrl => new Uri(_gateway.BaseUrl, "/.well-known/oauth-protected-resource/mcp/test").AbsoluteUri;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl)), ("other", Upstreams.Http(_upstream.McpUrl)), ("classy", Upstreams.Http(_upstream.McpUrl))),
            configureServices: services => services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>()),
            policies: new Dictionary<string, string> { ["test"] = Policy, ["classy"] = ClassPolicy },
            auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = JwtIssuer, ["audience"] = "gatehouse", ["signingKey"] = JwtKey } },
            extraGrants: new JsonArray(
                new JsonObject
                {
                    ["id"] = "alice-test",
                    ["server"] = "test",
                    ["identities"] = new JsonArray(TestSignIn.Person),
                    ["policy"] = "policy-test.json",
                    ["scopes"] = new JsonArray("test:read"),
                },
                new JsonObject { ["id"] = "alice-classy", ["server"] = "classy", ["identities"] = new JsonArray(TestSignIn.Person), ["policy"] = "policy-classy.json" }),
            sections: new JsonObject
            {
                ["oauth"] = new JsonObject
                {
                    ["clients"] = new JsonArray(new JsonObject { ["clientId"] = OAuthTestClient.ClientId, ["redirectUris"] = new JsonArray(OAuthTestClient.RedirectUri) }),
                },
            });
        _client = new OAuthTestClient(_gateway.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task The_endpoints_metadata_offers_the_scopes_its_grants_and_policies_name_and_no_others()
    {
        var test = await _client.GetJsonAsync("/.well-known/oauth-protected-resource/mcp/test");
        var other = await _client.GetJsonAsync("/.well-known/oauth-protected-resource/mcp/other");

        Assert.Equal(["test:echo", "test:read"], test["scopes_supported"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Null(other["scopes_supported"]);
    }

    [Fact]
    public async Task The_401_without_a_token_names_the_scopes_to_ask_for_where_there_are_any()
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("test"));
        using var test = await raw.SendAsync(raw.Post(RawMcpClient.Initialize));
        using var rawOther = new RawMcpClient(_gateway.McpUrl("other"));
        using var other = await rawOther.SendAsync(rawOther.Post(RawMcpClient.Initialize));

        Assert.Equal(HttpStatusCode.Unauthorized, test.StatusCode);
        Assert.Equal($"Bearer resource_metadata=\"{MetadataUrl}\", scope=\"test:echo test:read\"", test.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain("scope=", other.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("test", "test:read test:write")]
    [InlineData("other", "test:read")]
    [InlineData("test", "openid")]
    public async Task A_scope_the_server_does_not_name_is_refused_with_invalid_scope(string server, string scope)
    {
        var query = _client.AuthorizeQuery(server);
        query["scope"] = scope;

        using var response = await _client.AuthorizeAsync(query);

        Assert.True(response.StatusCode == HttpStatusCode.Found, await response.Content.ReadAsStringAsync());
        var (_, parameters) = OAuthTestClient.Redirect(response);
        Assert.Equal("invalid_scope", parameters["error"]);
        Assert.False(parameters.ContainsKey("code"));
    }

    [Fact]
    public async Task The_token_carries_the_scopes_granted_and_a_refresh_keeps_them()
    {
        var (status, body) = await _client.ExchangeAsync(await _client.CodeAsync("test", "test:read test:echo"));
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(["offline_access", "test:echo", "test:read"], body["scope"]!.GetValue<string>().Split(' ').Order(StringComparer.Ordinal));

        var (refreshed, again) = await _client.RefreshAsync(body["refresh_token"]!.GetValue<string>());

        Assert.True(refreshed == HttpStatusCode.OK, again.ToJsonString());
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), again["access_token"]!.GetValue<string>());
        var (called, answer) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Echo("after refresh")));
        Assert.Equal(HttpStatusCode.OK, called);
        Assert.Equal("after refresh", answer["result"]!["content"]![0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_without_the_grants_scope_gets_403_on_every_request()
    {
        var (access, _) = await _client.TokensAsync("test", "test:echo");
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), access);

        using var response = await raw.SendAsync(raw.Post(RawMcpClient.Initialize));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.StartsWith($"Bearer error=\"insufficient_scope\", scope=\"offline_access test:echo test:read\", resource_metadata=\"{MetadataUrl}\"",
            challenge, StringComparison.Ordinal);
        Assert.Contains("that the grant requires", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_2024_event_stream_is_refused_alike_to_a_token_without_the_grants_scope()
    {
        var (access, _) = await _client.TokensAsync("test", "test:echo");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.BaseUrl, "/mcp/test/sse"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.StartsWith("Bearer error=\"insufficient_scope\", scope=\"offline_access test:echo test:read\"", response.Headers.WwwAuthenticate.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_session_a_tool_needing_a_scope_the_token_lacks_is_403_and_a_token_with_both_calls_it_there()
    {
        var (narrow, _) = await _client.TokensAsync("test", "test:read");
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), narrow);
        var session = await raw.OpenSessionAsync();
        Assert.Contains("a simple text response", await raw.CallAsync(session, Call("test_simple_text")), StringComparison.Ordinal);

        using var refused = await raw.SendAsync(raw.Post(Call("echo", """{"message":"hi"}"""), session));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal($"Bearer error=\"insufficient_scope\", scope=\"offline_access test:read test:echo\", resource_metadata=\"{MetadataUrl}\", " +
            "error_description=\"the token lacks scope 'test:echo' that policy rule tools.echo requires\"", refused.Headers.WwwAuthenticate.ToString());
        var error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal(7, error["id"]!.GetValue<int>());
        Assert.Contains("test:echo", error["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // The client asks again for what the challenge named, and the call passes, in the same session as in a new one.
        var (wide, _) = await _client.TokensAsync("test", "offline_access test:read test:echo");
        using var stepped = new RawMcpClient(_gateway.McpUrl("test"), wide);
        Assert.Contains("\"text\":\"hi\"", await stepped.CallAsync(session, Call("echo", """{"message":"hi"}""")), StringComparison.Ordinal);
        var again = await stepped.OpenSessionAsync();
        Assert.Contains("\"text\":\"hi\"", await stepped.CallAsync(again, Call("echo", """{"message":"hi"}""")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_session_a_tool_or_resource_needing_a_scope_the_token_lacks_is_403()
    {
        var (narrow, _) = await _client.TokensAsync("test", "test:read");
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), narrow);

        using var tool = await raw.SendAsync(raw.PostSessionless("tools/call", Echo("hi")));
        using var resource = await raw.SendAsync(raw.PostSessionless("resources/read", new JsonObject { ["uri"] = "test://static-text" }));
        var (listed, tools) = await raw.ExchangeAsync(raw.PostSessionless("tools/list"));

        foreach (var refused in new[] { tool, resource })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.StartsWith("Bearer error=\"insufficient_scope\", scope=\"offline_access test:read test:echo\"", refused.Headers.WwwAuthenticate.ToString(),
                StringComparison.Ordinal);
        }

        // Listing needs no more than the grant's scope; a denied tool is refused as denied, never with a challenge.
        Assert.Equal(HttpStatusCode.OK, listed);
        Assert.Contains(tools["result"]!["tools"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "echo");
        var (denied, answer) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", new JsonObject { ["name"] = "test_error_handling" }));
        Assert.Equal(HttpStatusCode.OK, denied);
        Assert.True(answer["result"]!["isError"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_refusal_is_in_the_audit_log_with_the_rule_and_the_missing_scope()
    {
        var (narrow, _) = await _client.TokensAsync("test", "test:read");
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), narrow);
        using var refused = await raw.SendAsync(raw.PostSessionless("tools/call", Echo("audited")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var store = _gateway.Services.GetRequiredService<IAuditStore>();
        var record = await Eventually.UntilAsync(async () =>
            (await store.QueryAsync(new AuditQuery { Server = "test", Decision = AuditDecisions.InsufficientScope }, default)).Records
                .Select(r => r.Event).FirstOrDefault(e => e.Identity == TestSignIn.Person && e.Target == "echo"),
            "the audit record of the refused call");

        Assert.Equal(AuditKinds.Decision, record.Kind);
        Assert.Equal("tools/call", record.Method);
        Assert.Equal("tools.echo", record.Rule);
        Assert.Contains("'test:echo'", record.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_whose_rule_is_chosen_by_class_is_refused_with_a_JSON_RPC_error_naming_the_scope()
    {
        var (bare, _) = await _client.TokensAsync("classy");
        using var raw = new RawMcpClient(_gateway.McpUrl("classy"), bare);

        var (status, answer) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Echo("classy")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(-32003, answer["error"]!["code"]!.GetValue<int>());
        Assert.Contains("the token lacks scope 'classy:use' that policy rule classes[0] requires", answer["error"]!["message"]!.GetValue<string>(),
            StringComparison.Ordinal);
        Assert.Equal("insufficient_scope", answer["error"]!["data"]!["gatehouse/decision"]!["decision"]!.GetValue<string>());

        var (scoped, _) = await _client.TokensAsync("classy", "classy:use");
        using var allowed = new RawMcpClient(_gateway.McpUrl("classy"), scoped);
        var (_, passed) = await allowed.ExchangeAsync(allowed.PostSessionless("tools/call", Echo("classy")));
        Assert.Equal("classy", passed["result"]!["content"]![0]!["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("scope", "test:echo", HttpStatusCode.OK)]
    [InlineData("scope", "openid test:echo profile", HttpStatusCode.OK)]
    [InlineData("scp", "test:echo", HttpStatusCode.OK)]
    [InlineData("scope", "test:read", HttpStatusCode.Forbidden)]
    [InlineData("scope", "test:echoes", HttpStatusCode.Forbidden)]
    [InlineData(null, null, HttpStatusCode.Forbidden)]
    public async Task A_JWT_is_held_to_its_scope_claim(string? claim, string? scopes, HttpStatusCode expected)
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), Jwt(claim, scopes));

        using var response = await raw.SendAsync(raw.PostSessionless("tools/call", Echo("jwt")));

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_JWT_whose_scope_claim_is_a_list_counts_each_item()
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), Jwt("scp", new[] { "openid", "test:echo" }));

        var (status, _) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Echo("jwt")));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task An_API_key_is_not_limited_by_scopes()
    {
        var (_, key) = await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(RunningGateway.Identity);
        using var raw = new RawMcpClient(_gateway.McpUrl("test"), key);

        var (status, answer) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Echo("key")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("key", answer["result"]!["content"]![0]!["text"]!.GetValue<string>());
    }

    private static JsonObject Echo(string message) => new() { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = message } };

    private static string Call(string tool, string arguments = "{}") =>
        new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = JsonNode.Parse(arguments) },
        }.ToJsonString();

    private static string Jwt(string? claim, object? scopes)
    {
        var claims = new Dictionary<string, object> { ["sub"] = RunningGateway.Identity };
        if (claim is not null)
        {
            claims[claim] = scopes!;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtIssuer,
            Audience = "gatehouse",
            Claims = claims,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JwtKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}
