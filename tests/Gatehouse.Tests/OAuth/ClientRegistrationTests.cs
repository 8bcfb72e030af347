using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Dynamic client registration (RFC 7591): by default only clients on the person's own machine (loopback redirect URIs)
/// may register, which is how MCP clients such as VS Code and command-line agents register; anything else is refused
/// unless the operator says "any", and nothing is served when registration is off.
/// </summary>
public sealed class ClientRegistrationTests(ClientRegistrationTests.DefaultGateway shared) : IClassFixture<ClientRegistrationTests.DefaultGateway>
{
    private const string LoopbackClient = """{ "redirect_uris": ["http://127.0.0.1:33418/callback"], "client_name": "Agent", "token_endpoint_auth_method": "none", "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"] }""";

    [Fact]
    public async Task A_client_on_loopback_registers_and_runs_the_flow_as_a_public_client()
    {
        var gateway = shared.Gateway;
        using var client = new OAuthTestClient(gateway.BaseUrl);

        var metadata = await client.GetJsonAsync("/.well-known/oauth-authorization-server");
        Assert.Equal(new Uri(gateway.BaseUrl, "/oauth/register").ToString(), metadata["registration_endpoint"]!.GetValue<string>());
        var (status, body) = await client.RegisterAsync(LoopbackClient);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("none", body["token_endpoint_auth_method"]!.GetValue<string>());
        Assert.Null(body["client_secret"]);
        using var registered = new OAuthTestClient(gateway.BaseUrl, body["client_id"]!.GetValue<string>());
        var (access, refresh) = await registered.TokensAsync();
        Assert.NotEmpty(access);
        Assert.Equal(HttpStatusCode.OK, (await registered.RefreshAsync(refresh)).Status);
    }

    [Fact]
    public async Task A_client_that_asks_for_a_secret_gets_one_and_must_send_it()
    {
        var gateway = shared.Gateway;
        using var client = new OAuthTestClient(gateway.BaseUrl);

        var (status, body) = await client.RegisterAsync("""{ "redirect_uris": ["http://127.0.0.1:33418/callback", "http://localhost:33418/callback"], "token_endpoint_auth_method": "client_secret_post" }""");

        Assert.Equal(HttpStatusCode.Created, status);
        var secret = body["client_secret"]!.GetValue<string>();
        using var registered = new OAuthTestClient(gateway.BaseUrl, body["client_id"]!.GetValue<string>());
        var code = await registered.CodeAsync();
        var (without, error) = await registered.ExchangeAsync(code);
        Assert.Equal(HttpStatusCode.Unauthorized, without);
        Assert.Equal("invalid_client", error["error"]!.GetValue<string>());
        var (with, _) = await registered.ExchangeAsync(await registered.CodeAsync(), extra: ("client_secret", secret));
        Assert.Equal(HttpStatusCode.OK, with);
    }

    [Theory]
    [InlineData("""{ "redirect_uris": ["https://client.example.com/callback"] }""", "invalid_redirect_uri")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1:33418/callback", "https://attacker.example.com/cb"] }""", "invalid_redirect_uri")]
    [InlineData("""{ "redirect_uris": ["cursor://anysphere.cursor-retrieval/oauth/callback"] }""", "invalid_redirect_uri")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1.attacker.example.com/cb"] }""", "invalid_redirect_uri")]
    [InlineData("""{ "redirect_uris": ["http://user@127.0.0.1/cb"] }""", "invalid_redirect_uri")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1/cb#x"] }""", "invalid_redirect_uri")]
    [InlineData("""{ "redirect_uris": [] }""", "invalid_redirect_uri")]
    [InlineData("""{ }""", "invalid_redirect_uri")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1/cb"], "grant_types": ["client_credentials"] }""", "invalid_client_metadata")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1/cb"], "grant_types": "authorization_code" }""", "invalid_client_metadata")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1/cb"], "response_types": ["token"] }""", "invalid_client_metadata")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1/cb"], "token_endpoint_auth_method": "private_key_jwt" }""", "invalid_client_metadata")]
    [InlineData("""{ "redirect_uris": ["http://127.0.0.1/cb"], "client_name": 7 }""", "invalid_client_metadata")]
    [InlineData("""[ "not", "an", "object" ]""", "invalid_client_metadata")]
    [InlineData("""{ "redirect_uris": """, "invalid_client_metadata")]
    public async Task Under_the_default_only_well_formed_loopback_clients_register(string metadata, string error)
    {
        var gateway = shared.Gateway;
        using var client = new OAuthTestClient(gateway.BaseUrl);

        var (status, body) = await client.RegisterAsync(metadata);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(error, body["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("https://client.example.com/callback", HttpStatusCode.Created)]
    [InlineData("cursor://anysphere.cursor-retrieval/oauth/callback", HttpStatusCode.Created)]
    [InlineData("http://client.example.com/callback", HttpStatusCode.BadRequest)]
    [InlineData("javascript:alert(1)", HttpStatusCode.BadRequest)]
    public async Task Under_any_clients_elsewhere_register_but_never_over_plain_http(string redirectUri, HttpStatusCode expected)
    {
        await using var gateway = await StartAsync(registration: "any");
        using var client = new OAuthTestClient(gateway.BaseUrl);

        var (status, _) = await client.RegisterAsync($$"""{ "redirect_uris": ["{{redirectUri}}"], "token_endpoint_auth_method": "none" }""");

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task When_registration_is_off_there_is_no_endpoint_and_none_is_named()
    {
        await using var gateway = await StartAsync(registration: "off");
        using var client = new OAuthTestClient(gateway.BaseUrl);

        var (status, _) = await client.RegisterAsync(LoopbackClient);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Null((await client.GetJsonAsync("/.well-known/oauth-authorization-server"))["registration_endpoint"]);
    }

    /// <summary>One gateway with the default registration policy for the tests of that policy: they register clients of their own and share nothing else.</summary>
    public sealed class DefaultGateway : IAsyncLifetime
    {
        public RunningGateway Gateway { get; private set; } = null!;

        public async Task InitializeAsync() => Gateway = await StartAsync(registration: null);

        public Task DisposeAsync() => Gateway.DisposeAsync().AsTask();
    }

    private static Task<RunningGateway> StartAsync(string? registration)
    {
        var oauth = new JsonObject();
        if (registration is not null)
        {
            oauth["dynamicRegistration"] = registration;
        }

        return RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(new Uri("http://127.0.0.1:9/mcp")))),
            configureServices: services =>
            {
                services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>());
                // These tests register more clients a minute, from one address, than the limit RegistrationLimitsTests proves.
                services.PostConfigure<OAuthServerOptions>(options => options.RegistrationsPerMinute = 1000);
            },
            auth: new JsonObject(), sections: new JsonObject { ["oauth"] = oauth });
    }
}
