using System.Net;
using Gatehouse.OAuth;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// RFC 8252 §7.3: a client registered with a loopback IP redirect URI (as VS Code and Claude Code register) may come
/// back on any port, because it takes a free one each run; everything else about the URI must be as registered, and the
/// code is exchanged only with the very URI it was sent to.
/// </summary>
public sealed class LoopbackRedirectUriTests(SignedInGateway shared) : IClassFixture<SignedInGateway>, IDisposable
{
    private readonly OAuthTestClient _client = new(shared.Gateway.BaseUrl);

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:33418/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:51234/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:1/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:65535/callback")]
    [InlineData("http://127.0.0.1/callback", "http://127.0.0.1:8123/callback")]
    [InlineData("http://[::1]:33418/", "http://[::1]:40000/")]
    [InlineData("http://127.0.0.1:33418", "http://127.0.0.1:40000")]
    [InlineData("http://127.0.0.1:33418/cb?a=1", "http://127.0.0.1:40000/cb?a=1")]
    public void The_same_loopback_uri_on_another_port_matches(string registered, string requested) =>
        Assert.True(LoopbackRedirectUris.Matches(registered, requested));

    [Theory]
    [InlineData("http://127.0.0.1:33418/callback", "http://localhost:40000/callback")]
    [InlineData("http://localhost:33418/callback", "http://localhost:40000/callback")]
    [InlineData("http://localhost:33418/callback", "http://127.0.0.1:40000/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.2:40000/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://[::1]:40000/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:40000/other")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:40000/callback/")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:40000/callback/../callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:40000/callback?x=1")]
    [InlineData("http://127.0.0.1:33418/cb?a=1", "http://127.0.0.1:40000/cb?a=2")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:40000@attacker.example.com/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:40000\\@attacker.example.com/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1.attacker.example.com:40000/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "https://127.0.0.1:40000/callback")]
    [InlineData("https://127.0.0.1:33418/callback", "https://127.0.0.1:40000/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:040000/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:65536/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1:/callback")]
    [InlineData("http://127.0.0.1:33418/callback", "http://127.0.0.1/callback")]
    [InlineData("http://127.0.0.1@attacker.example.com/callback", "http://127.0.0.1:40000@attacker.example.com/callback")]
    [InlineData("https://app.example.com:8443/callback", "https://app.example.com:9443/callback")]
    [InlineData("http://example.com:8080/callback", "http://example.com:9090/callback")]
    [InlineData("cursor://anysphere.cursor-retrieval/oauth/callback", "cursor://anysphere.cursor-retrieval:1/oauth/callback")]
    public void Anything_else_does_not(string registered, string requested) =>
        Assert.False(LoopbackRedirectUris.Matches(registered, requested));

    [Fact]
    public async Task A_client_registered_on_one_port_signs_in_on_another_and_gets_its_code_there()
    {
        _client.SentRedirectUri = "http://127.0.0.1:51234/callback";

        using var response = await _client.AuthorizeAsync(_client.AuthorizeQuery());

        var (target, parameters) = OAuthTestClient.Redirect(response);
        Assert.Equal(new Uri("http://127.0.0.1:51234/callback"), target);
        var (status, body) = await _client.ExchangeAsync(parameters["code"]);
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task A_code_is_exchanged_only_with_the_port_it_was_sent_to()
    {
        _client.SentRedirectUri = "http://127.0.0.1:51234/callback";
        var code = await _client.CodeAsync();

        _client.SentRedirectUri = OAuthTestClient.RedirectUri;
        var (status, body) = await _client.ExchangeAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("http://localhost:51234/callback")]
    [InlineData("http://127.0.0.1:51234/other")]
    [InlineData("http://127.0.0.1:51234/callback?x=1")]
    [InlineData("http://127.0.0.1:51234@attacker.example.com/callback")]
    [InlineData("https://127.0.0.1:51234/callback")]
    [InlineData("http://127.0.0.2:51234/callback")]
    public async Task Another_host_path_query_scheme_or_user_info_gets_an_error_page_and_no_redirect(string redirectUri)
    {
        _client.SentRedirectUri = redirectUri;

        using var response = await _client.AuthorizeAsync(_client.AuthorizeQuery());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_client_registered_on_the_IPv6_loopback_comes_back_on_another_port()
    {
        var (_, registration) = await _client.RegisterAsync("""{ "redirect_uris": ["http://[::1]:33418/"], "token_endpoint_auth_method": "none" }""");
        using var registered = new OAuthTestClient(shared.Gateway.BaseUrl, registration["client_id"]!.GetValue<string>()) { SentRedirectUri = "http://[::1]:40001/" };

        var (status, body) = await registered.ExchangeAsync(await registered.CodeAsync());

        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }
}
