using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Gatehouse as the authorization server of its MCP endpoints, over real HTTP: its metadata, the authorization-code
/// flow with PKCE, one resource per token, the <c>iss</c> response parameter, rotating refresh tokens and revocation.
/// The hostile cases are in <see cref="AuthorizationServerAttackTests"/>.
/// </summary>
public sealed class AuthorizationServerTests(SignedInGateway shared) : IClassFixture<SignedInGateway>, IDisposable
{
    private readonly RunningGateway _gateway = shared.Gateway;
    private readonly OAuthTestClient _client = new(shared.Gateway.BaseUrl);

    public void Dispose() => _client.Dispose();

    /// <summary>A gateway with two servers, Gatehouse's authorization server on, one client registered and no anonymous identity.</summary>
    internal static Task<RunningGateway> StartAsync(bool signIn) =>
        RunningGateway.StartAsync(
            Upstreams.Servers(("test", Upstreams.Http(new Uri("http://127.0.0.1:9/mcp"))), ("other", Upstreams.Http(new Uri("http://127.0.0.1:9/mcp")))),
            configureServices: signIn ? services => services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>()) : null,
            auth: new JsonObject(),
            sections: new JsonObject
            {
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

    private string Issuer => _gateway.BaseUrl.ToString();

    [Fact]
    public async Task The_metadata_names_the_endpoints_S256_alone_and_the_iss_parameter()
    {
        var metadata = await _client.GetJsonAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(Issuer, metadata["issuer"]!.GetValue<string>());
        Assert.Equal(new Uri(_gateway.BaseUrl, "/oauth/authorize").ToString(), metadata["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal(new Uri(_gateway.BaseUrl, "/oauth/token").ToString(), metadata["token_endpoint"]!.GetValue<string>());
        Assert.Equal(new Uri(_gateway.BaseUrl, "/oauth/revoke").ToString(), metadata["revocation_endpoint"]!.GetValue<string>());
        Assert.Equal(["S256"], metadata["code_challenge_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.True(metadata["authorization_response_iss_parameter_supported"]!.GetValue<bool>());
        Assert.Contains("authorization_code", metadata["grant_types_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task The_protected_resource_metadata_names_Gatehouse_as_the_authorization_server()
    {
        var metadata = await _client.GetJsonAsync("/.well-known/oauth-protected-resource/mcp/test");

        Assert.Equal(_client.Resource("test").ToString(), metadata["resource"]!.GetValue<string>());
        Assert.Equal(Issuer, metadata["authorization_servers"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_signed_in_person_gets_a_code_with_the_issuer_then_short_lived_tokens()
    {
        using var response = await _client.AuthorizeAsync(_client.AuthorizeQuery());

        var (target, parameters) = OAuthTestClient.Redirect(response);
        Assert.Equal(new Uri(OAuthTestClient.RedirectUri), target);
        Assert.Equal("state-1", parameters["state"]);
        Assert.Equal(Issuer, parameters["iss"]);
        var (status, body) = await _client.ExchangeAsync(parameters["code"]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.InRange(body["expires_in"]!.GetValue<int>(), 590, 600);
        Assert.False(string.IsNullOrEmpty(body["access_token"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(body["refresh_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_refresh_token_is_replaced_at_each_use()
    {
        var (_, refresh) = await _client.TokensAsync();

        var (status, body) = await _client.RefreshAsync(refresh);

        Assert.Equal(HttpStatusCode.OK, status);
        var next = body["refresh_token"]!.GetValue<string>();
        Assert.NotEqual(refresh, next);
        Assert.Equal(HttpStatusCode.OK, (await _client.RefreshAsync(next)).Status);
    }

    [Fact]
    public async Task A_token_request_may_name_the_resource_the_code_was_issued_for()
    {
        var (status, _) = await _client.ExchangeAsync(await _client.CodeAsync(), extra: ("resource", _client.Resource("test").ToString()));

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_revoked_refresh_token_is_refused()
    {
        var (_, refresh) = await _client.TokensAsync();

        Assert.Equal(HttpStatusCode.OK, (await _client.RevokeAsync(refresh)).Status);

        var (status, body) = await _client.RefreshAsync(refresh);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_sign_in_no_one_gets_a_code()
    {
        await using var gateway = await StartAsync(signIn: false);
        using var client = new OAuthTestClient(gateway.BaseUrl);

        using var response = await client.AuthorizeAsync(client.AuthorizeQuery());

        var (_, parameters) = OAuthTestClient.Redirect(response);
        Assert.Equal("access_denied", parameters["error"]);
        Assert.False(parameters.ContainsKey("code"));
    }
}

/// <summary>
/// One gateway for the tests of the flow and its attacks, with <see cref="TestSignIn"/>: each test runs flows of its own
/// (its own verifier, codes and tokens), so they share nothing but the server.
/// </summary>
public sealed class SignedInGateway : IAsyncLifetime
{
    public RunningGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await AuthorizationServerTests.StartAsync(signIn: true);

    public Task DisposeAsync() => Gateway.DisposeAsync().AsTask();
}
