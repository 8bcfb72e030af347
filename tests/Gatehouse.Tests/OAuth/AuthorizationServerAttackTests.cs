using System.Net;
using Gatehouse.Testing;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// What an attacker (or a careless client) tries against the authorization server: no PKCE or PKCE <c>plain</c>, a
/// redirect URI of their own, a code used twice, a token for no resource, another site's, or two at once, and a
/// refresh token used again after it was replaced.
/// </summary>
public sealed class AuthorizationServerAttackTests(SignedInGateway shared) : IClassFixture<SignedInGateway>, IDisposable
{
    private readonly RunningGateway _gateway = shared.Gateway;
    private readonly OAuthTestClient _client = new(shared.Gateway.BaseUrl);

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task An_authorization_request_without_PKCE_is_refused()
    {
        var query = _client.AuthorizeQuery();
        query["code_challenge"] = null;
        query["code_challenge_method"] = null;

        await AssertRefusedAsync(query, "invalid_request");
    }

    [Fact]
    public async Task PKCE_plain_is_refused()
    {
        var query = _client.AuthorizeQuery();
        query["code_challenge"] = _client.Verifier;
        query["code_challenge_method"] = "plain";

        await AssertRefusedAsync(query, "invalid_request");
    }

    [Fact]
    public async Task A_challenge_without_a_method_is_refused_rather_than_taken_as_plain()
    {
        var query = _client.AuthorizeQuery();
        query["code_challenge_method"] = null;

        await AssertRefusedAsync(query, "invalid_request");
    }

    [Fact]
    public async Task A_code_is_refused_with_the_wrong_verifier()
    {
        var code = await _client.CodeAsync();

        var (status, body) = await _client.ExchangeAsync(code, verifier: new OAuthTestClient(_gateway.BaseUrl).Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://attacker.example.com/callback")]
    [InlineData("http://127.0.0.1:33418/callback/")]
    [InlineData("http://127.0.0.1:33418/callback?x=1")]
    public async Task A_redirect_uri_not_registered_gets_an_error_page_and_no_redirect(string redirectUri)
    {
        var query = _client.AuthorizeQuery();
        query["redirect_uri"] = redirectUri;

        using var response = await _client.AuthorizeAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_code_works_once_and_its_replay_revokes_what_it_gave()
    {
        var code = await _client.CodeAsync();
        var (first, tokens) = await _client.ExchangeAsync(code);
        Assert.Equal(HttpStatusCode.OK, first);

        var (second, body) = await _client.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, second);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
        // Whoever replayed the code may have been first: the tokens it gave are revoked too (OAuth 2.1 §4.1.3).
        var (refreshed, _) = await _client.RefreshAsync(tokens["refresh_token"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, refreshed);
    }

    [Fact]
    public async Task An_authorization_request_without_a_resource_is_refused()
    {
        var query = _client.AuthorizeQuery();
        query["resource"] = null;

        await AssertRefusedAsync(query, "invalid_target");
    }

    [Theory]
    [InlineData("https://mcp.example.com/mcp/test")]
    [InlineData("{base}mcp/unknown")]
    [InlineData("{base}mcp/test/")]
    [InlineData("{base}mcp/test?x=1")]
    [InlineData("{base}admin")]
    [InlineData("urn:gatehouse:test")]
    public async Task A_resource_that_is_not_a_configured_servers_endpoint_is_refused(string resource)
    {
        var query = _client.AuthorizeQuery();
        query["resource"] = resource.Replace("{base}", _gateway.BaseUrl.ToString(), StringComparison.Ordinal);

        await AssertRefusedAsync(query, "invalid_target");
    }

    [Fact]
    public async Task Two_resources_in_one_request_are_refused()
    {
        await AssertRefusedAsync(_client.AuthorizeQuery("test"), "invalid_target", ("resource", _client.Resource("other").ToString()));
    }

    [Fact]
    public async Task A_code_for_one_server_is_not_exchanged_for_a_token_of_another()
    {
        var code = await _client.CodeAsync("test");

        var (status, body) = await _client.ExchangeAsync(code, extra: ("resource", _client.Resource("other").ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_target", body["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refresh_token_used_again_after_it_was_replaced_is_refused_and_its_successor_revoked()
    {
        var (_, refresh) = await _client.TokensAsync();
        var (rotated, body) = await _client.RefreshAsync(refresh);
        Assert.Equal(HttpStatusCode.OK, rotated);

        var (reused, error) = await _client.RefreshAsync(refresh);

        Assert.Equal(HttpStatusCode.BadRequest, reused);
        Assert.Equal("invalid_grant", error["error"]!.GetValue<string>());
        // The reuse may be a thief's, or the client's after a thief's: the chain it belongs to stops working.
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.RefreshAsync(body["refresh_token"]!.GetValue<string>())).Status);
    }

    // OpenIddict sends a request it refuses back to no one: the person sees the error, and no redirect URI, however well
    // registered, receives anything from a request that was not right.
    private async Task AssertRefusedAsync(Dictionary<string, string?> query, string error, params (string Name, string Value)[] extra)
    {
        using var response = await _client.AuthorizeAsync(query, extra);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(HttpStatusCode.BadRequest == response.StatusCode, $"{response.StatusCode} {response.Headers.Location}: {body}");
        Assert.Null(response.Headers.Location);
        Assert.Contains(error, body, StringComparison.Ordinal);
    }
}
