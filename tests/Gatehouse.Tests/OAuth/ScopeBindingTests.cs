using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Scopes where the front cannot see the deciding rule: the grant on <c>lock</c> needs <c>lock:read</c>, and its policy
/// denies every tool by name but allows any by class, asking <c>lock:use</c>. A token without the grant's scope is refused
/// all the same, and a session is held to the scopes it was opened with. JWTs stand for tokens of any scopes.
/// </summary>
public sealed class ScopeBindingTests : IAsyncLifetime
{
    private const string JwtIssuer = "https://idp.example.com/";
    private const string JwtKey = "a-test-signing-key-of-at-least-32-chars!";
    private const string Policy = """
        { "version": "1", "default": "deny",
          "prompts": { "test_simple_prompt": { "scopes": ["lock:prompt"] } },
          "classes": [ { "risk": ["low", "medium", "high", "critical"], "action": "allow", "scopes": ["lock:use"] } ] }
        """;

    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("lock", Upstreams.Http(_upstream.McpUrl))),
            policies: new Dictionary<string, string> { ["lock"] = Policy },
            auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = JwtIssuer, ["audience"] = "gatehouse", ["signingKey"] = JwtKey } },
            grantFields: new JsonObject { ["scopes"] = new JsonArray("lock:read") });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Without_a_session_a_token_lacking_the_grants_scope_cannot_call_a_tool_a_class_rule_allows()
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:use"));

        using var refused = await raw.SendAsync(raw.PostSessionless("tools/call", Echo("sessionless")));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("that the grant requires", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sessionless", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_session_a_token_lacking_the_grants_scope_cannot_call_a_tool_a_class_rule_allows()
    {
        using var opener = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:read lock:use"));
        var session = await opener.OpenSessionAsync();
        using var narrow = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:use"));

        using var refused = await narrow.SendAsync(narrow.Post(Call("on the session"), session));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("that the grant requires", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("on the session", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_session_a_token_with_the_grants_scope_but_not_the_class_rules_gets_a_JSON_RPC_error()
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:read"));

        var (status, answer) = await raw.ExchangeAsync(raw.PostSessionless("tools/call", Echo("classy")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("the token lacks scope 'lock:use' that policy rule classes[0] requires", answer["error"]!["message"]!.GetValue<string>(),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_refuses_a_token_with_fewer_scopes_than_the_one_that_opened_it_and_takes_one_with_more()
    {
        using var opener = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:read lock:use"));
        var session = await opener.OpenSessionAsync();
        using var narrower = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:read"));
        using var wider = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:read lock:use openid"));

        using var refused = await narrower.SendAsync(narrower.Post(Call("narrower"), session));
        var passed = await wider.CallAsync(session, Call("wider"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("This session belongs to another identity.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("narrower", body, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"wider\"", passed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_2024_session_refuses_a_token_with_fewer_scopes_than_the_one_that_opened_it()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var open = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.BaseUrl, "/mcp/lock/sse"));
        open.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Jwt("lock:read lock:use"));
        open.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var stream = await http.SendAsync(open, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? endpoint = null;
        while (endpoint is null)
        {
            var line = await reader.ReadLineAsync(bounded.Token) ?? throw new InvalidOperationException("the event stream ended before naming its endpoint");
            endpoint = line.StartsWith("data: ", StringComparison.Ordinal) ? line["data: ".Length..] : null;
        }

        var refused = await PostAsync(http, endpoint, Jwt("lock:read"));
        var accepted = await PostAsync(http, endpoint, Jwt("lock:read lock:use"));

        Assert.Equal(HttpStatusCode.NotFound, refused);
        Assert.Equal(HttpStatusCode.Accepted, accepted);
    }

    [Fact]
    public async Task A_scope_of_the_token_that_is_no_scope_token_is_left_out_of_the_challenge()
    {
        using var raw = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:use a\"quote back\\slash"));

        using var refused = await raw.SendAsync(raw.PostSessionless("tools/call", Echo("quoted")));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        var challenge = Assert.Single(refused.Headers.NonValidated["WWW-Authenticate"]);
        Assert.StartsWith("Bearer error=\"insufficient_scope\", scope=\"lock:use lock:read\", resource_metadata=\"", challenge, StringComparison.Ordinal);
        Assert.Equal(8, challenge.Count(c => c == '"'));
    }

    [Fact]
    public async Task Completing_a_prompts_arguments_needs_the_scopes_of_the_prompts_rule()
    {
        var completion = new JsonObject
        {
            ["ref"] = new JsonObject { ["type"] = "ref/prompt", ["name"] = "test_simple_prompt" },
            ["argument"] = new JsonObject { ["name"] = "anything", ["value"] = "" },
        };
        using var raw = new RawMcpClient(_gateway.McpUrl("lock"), Jwt("lock:read"));

        var (_, answer) = await raw.ExchangeAsync(raw.PostSessionless("completion/complete", completion));

        Assert.Contains("the token lacks scope 'lock:prompt' that policy rule prompts.test_simple_prompt requires", answer["error"]?["message"]?.GetValue<string>(),
            StringComparison.Ordinal);
    }

    private async Task<HttpStatusCode> PostAsync(HttpClient http, string endpoint, string token)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(_gateway.BaseUrl, endpoint))
        {
            Content = new StringContent(RawMcpClient.Initialize, Encoding.UTF8, "application/json"),
        };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(post);
        return response.StatusCode;
    }

    internal static JsonObject Echo(string message) => new() { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = message } };

    internal static string Call(string message, int id = 7) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call", ["params"] = Echo(message) }.ToJsonString();

    internal static string Jwt(string scope) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtIssuer,
            Audience = "gatehouse",
            Claims = new Dictionary<string, object> { ["sub"] = RunningGateway.Identity, ["scope"] = scope },
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JwtKey)), SecurityAlgorithms.HmacSha256),
        });
}
