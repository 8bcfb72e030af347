using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Tests.Authentication;

/// <summary>
/// Bearer JWTs from the operator's identity provider, validated by ASP.NET Core's handler: every way a token can
/// be wrong is a 401, an identity without a grant a 403, and a session belongs to the identity that opened it.
/// </summary>
public sealed class JwtAuthenticationTests : IAsyncLifetime
{
    private const string Issuer = "https://idp.example.com/";
    private const string Audience = "gatehouse";
    private const string Key = "a-test-signing-key-of-at-least-32-chars!";

    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private RawMcpClient _raw = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))), auth: new JsonObject
        {
            ["jwt"] = new JsonObject { ["issuer"] = Issuer, ["audience"] = Audience, ["signingKey"] = Key },
            ["authorizationServers"] = new JsonArray(Issuer),
        });
        _raw = new RawMcpClient(_gateway.McpUrl("test"));
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_token_of_a_granted_identity_gets_through()
    {
        await using var client = await _gateway.ConnectAsync("test", bearer: Token(RunningGateway.Identity));

        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
    }

    [Fact]
    public async Task No_credentials_is_401_pointing_at_the_protected_resource_metadata()
    {
        using var response = await _raw.SendAsync(_raw.Post(RawMcpClient.Initialize));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        var metadataUrl = challenge.Split("resource_metadata=\"")[1].Split('"')[0];
        Assert.EndsWith("/.well-known/oauth-protected-resource/mcp/test", metadataUrl);

        using var http = new HttpClient();
        var metadata = JsonNode.Parse(await http.GetStringAsync(metadataUrl))!;
        Assert.Equal(_gateway.McpUrl("test").ToString(), metadata["resource"]!.GetValue<string>());
        Assert.Equal(Issuer, metadata["authorization_servers"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz", "invalid_request")]
    [InlineData("Bearer", "invalid_request")]
    [InlineData("Bearer not-a-token", "invalid_token")]
    public async Task A_malformed_authorization_header_is_401(string header, string error)
    {
        using var request = _raw.Post(RawMcpClient.Initialize);
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await _raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains($"error=\"{error}\"", response.Headers.WwwAuthenticate.ToString());
    }

    public static TheoryData<string> BadTokens => new()
    {
        "wrong issuer",
        "wrong audience",
        "expired",
        "bad signature",
        "no identity",
        "alg none",
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_is_401_invalid_token(string what)
    {
        var token = what switch
        {
            "wrong issuer" => Token(RunningGateway.Identity, issuer: "https://evil.example.com/"),
            "wrong audience" => Token(RunningGateway.Identity, audience: "someone-else"),
            "expired" => Token(RunningGateway.Identity, expires: DateTime.UtcNow.AddMinutes(-5)),
            "bad signature" => Token(RunningGateway.Identity, key: "another-signing-key-of-at-least-32-chars"),
            "alg none" => Unsigned(RunningGateway.Identity),
            _ => Token(subject: null),
        };
        using var request = _raw.Post(RawMcpClient.Initialize);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");

        using var response = await _raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task An_identity_without_a_grant_on_the_server_is_403_and_sees_no_tools()
    {
        using var request = _raw.Post(RawMcpClient.Initialize);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {Token("stranger")}");

        using var response = await _raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("echo", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_session_id_presented_by_another_identity_is_refused()
    {
        using var open = _raw.Post(RawMcpClient.Initialize);
        open.Headers.TryAddWithoutValidation("Authorization", $"Bearer {Token(RunningGateway.Identity)}");
        using var opened = await _raw.SendAsync(open);
        var sessionId = opened.Headers.GetValues("Mcp-Session-Id").Single();

        using var hijack = _raw.Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", sessionId);
        hijack.Headers.TryAddWithoutValidation("Authorization", $"Bearer {Token("intruder")}");
        using var refused = await _raw.SendAsync(hijack);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("echo", await refused.Content.ReadAsStringAsync());
    }

    /// <summary>A token that claims to need no signature at all.</summary>
    private static string Unsigned(string subject)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(json);
        var expires = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        return $"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part($$"""{"sub":"{{subject}}","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{expires}}}""")}.";
    }

    private static string Token(string? subject, string issuer = Issuer, string audience = Audience, DateTime? expires = null, string key = Key)
    {
        var claims = subject is null ? new Dictionary<string, object>() : new Dictionary<string, object> { ["sub"] = subject };
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            NotBefore = expiry.AddHours(-1),
            IssuedAt = expiry.AddHours(-1),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
