using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Tests.Authentication;

/// <summary>
/// Keys from <c>auth.jwt.jwksUrl</c>, served by a provider the test controls: a key rotated in is accepted without
/// waiting for the scheduled fetch, and tokens naming keys nobody published do not make Gatehouse fetch again and again.
/// </summary>
public sealed class JwksRefreshTests : IAsyncLifetime
{
    private const string Issuer = "https://idp.example.com/";
    private const string Audience = "gatehouse";

    private readonly RsaSecurityKey _first = NewKey("first");
    private readonly RsaSecurityKey _rotatedIn = NewKey("rotated-in");
    private volatile string _published = "";
    private int _fetches;
    private WebApplication _provider = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private RawMcpClient _raw = null!;

    public async Task InitializeAsync()
    {
        Publish(_first);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _provider = builder.Build();
        _provider.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref _fetches);
            return Results.Content(_published, "application/json");
        });
        await _provider.StartAsync();
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))), auth: new JsonObject
        {
            ["jwt"] = new JsonObject { ["issuer"] = Issuer, ["audience"] = Audience, ["jwksUrl"] = $"{_provider.Urls.First()}/jwks" },
        });
        _raw = new RawMcpClient(_gateway.McpUrl("test"));
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await _provider.DisposeAsync();
        _first.Rsa.Dispose();
        _rotatedIn.Rsa.Dispose();
    }

    [Fact]
    public async Task A_key_rotated_in_at_the_provider_is_accepted_after_one_fetch()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Token(_first)));
        Assert.Equal(1, Volatile.Read(ref _fetches));

        Publish(_first, _rotatedIn);
        var token = Token(_rotatedIn);

        // The token that names the new key has the keys fetched at once; it is accepted as soon as they arrive.
        await WaitUntilAsync(async () => await StatusAsync(token) == HttpStatusCode.OK, "a token signed with the key rotated in was not accepted");
        Assert.Equal(2, Volatile.Read(ref _fetches));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Token(_first)));
    }

    [Fact]
    public async Task Tokens_naming_made_up_keys_are_refused_and_fetch_the_keys_at_most_once_in_thirty_seconds()
    {
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(Token(_first)));

        using var forger = RSA.Create(2048);
        for (var forged = 0; forged < 50; forged++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(Token(new RsaSecurityKey(forger) { KeyId = $"made-up-{forged}" })));
        }

        // The first made-up key id asks for one fetch; each of the others would have started its own before its 401
        // was sent, so by now they would have reached the provider.
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref _fetches) >= 2), "the first unknown key id did not have the keys fetched again");
        Assert.Equal(2, Volatile.Read(ref _fetches));
    }

    private async Task<HttpStatusCode> StatusAsync(string token)
    {
        using var request = _raw.Post(RawMcpClient.Initialize);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        using var response = await _raw.SendAsync(request);
        return response.StatusCode;
    }

    private void Publish(params RsaSecurityKey[] keys)
    {
        var set = new JsonArray();
        foreach (var key in keys)
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(includePrivateParameters: false)) { KeyId = key.KeyId });
            set.Add(new JsonObject { ["kty"] = jwk.Kty, ["kid"] = jwk.Kid, ["use"] = "sig", ["alg"] = "RS256", ["n"] = jwk.N, ["e"] = jwk.E });
        }

        _published = new JsonObject { ["keys"] = set }.ToJsonString();
    }

    private static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };

    private static string Token(RsaSecurityKey key) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Claims = new Dictionary<string, object> { ["sub"] = RunningGateway.Identity },
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
    });

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure} within 10 s.");
            await Task.Delay(20);
        }
    }
}
