using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Access tokens Gatehouse issued, at <c>/mcp/{server}</c>: good at the endpoint they were issued for and no other,
/// refused once revoked, their subject and claims selecting grants as a JWT's do; API keys and JWTs work beside them.
/// </summary>
public sealed class TokensAtTheEndpointTests : IAsyncLifetime
{
    private const string JwtIssuer = "https://idp.example.com/";
    private const string JwtKey = "a-test-signing-key-of-at-least-32-chars!";

    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private OAuthTestClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl)), ("other", Upstreams.Http(_upstream.McpUrl)), ("third", Upstreams.Http(_upstream.McpUrl))),
            configureServices: services => services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>()),
            auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = JwtIssuer, ["audience"] = "gatehouse", ["signingKey"] = JwtKey } },
            // The person by name on one server, by a claim of the token on another, and not at all on the third.
            extraGrants: new JsonArray(
                new JsonObject { ["id"] = "alice-test", ["server"] = "test", ["identities"] = new JsonArray(TestSignIn.Person), ["policy"] = "policy-test.json" },
                new JsonObject { ["id"] = "marketing-other", ["server"] = "other", ["identities"] = new JsonArray("claim:groups=marketing"), ["policy"] = "policy-other.json" }),
            sections: new JsonObject
            {
                ["oauth"] = new JsonObject
                {
                    ["clients"] = new JsonArray(new JsonObject
                    {
                        ["clientId"] = OAuthTestClient.ClientId,
                        ["redirectUris"] = new JsonArray(OAuthTestClient.RedirectUri),
                    }),
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
    public async Task A_token_reaches_the_server_it_was_issued_for_as_its_subject()
    {
        var (access, _) = await _client.TokensAsync("test");

        await using var client = await _gateway.ConnectAsync("test", bearer: access);

        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
    }

    [Fact]
    public async Task The_claims_of_the_token_select_grants()
    {
        var (access, _) = await _client.TokensAsync("other");

        await using var client = await _gateway.ConnectAsync("other", bearer: access);

        Assert.Contains(await client.ListToolsAsync(), t => t.Name == "echo");
    }

    [Fact]
    public async Task A_person_without_a_grant_on_the_server_is_403()
    {
        var (access, _) = await _client.TokensAsync("third");

        using var response = await PostInitializeAsync("third", access);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("other")]
    [InlineData("third")]
    public async Task A_token_for_one_server_is_refused_at_another(string elsewhere)
    {
        var (access, _) = await _client.TokensAsync("test");

        using var response = await PostInitializeAsync(elsewhere, access);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_is_refused_by_the_admin_API()
    {
        var (access, _) = await _client.TokensAsync("test");
        using var http = new HttpClient { BaseAddress = _gateway.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/keys");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_revoked_access_token_is_refused_at_once()
    {
        var (access, _) = await _client.TokensAsync("test");
        using (var before = await PostInitializeAsync("test", access))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await _client.RevokeAsync(access)).Status);

        using var after = await PostInitializeAsync("test", access);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task A_JWT_of_the_operators_provider_still_works_beside_them()
    {
        using var response = await PostInitializeAsync("test", Jwt(RunningGateway.Identity));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_made_up_token_is_refused()
    {
        using var response = await PostInitializeAsync("test", "CfDJ8" + new string('A', 200));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostInitializeAsync(string server, string bearer)
    {
        using var raw = new RawMcpClient(_gateway.McpUrl(server));
        using var request = raw.Post(RawMcpClient.Initialize);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await raw.SendAsync(request);
    }

    private static string Jwt(string subject) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = JwtIssuer,
        Audience = "gatehouse",
        Claims = new Dictionary<string, object> { ["sub"] = subject },
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JwtKey)), SecurityAlgorithms.HmacSha256),
    });
}
