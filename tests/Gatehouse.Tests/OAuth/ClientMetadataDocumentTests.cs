using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.OAuth;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// Clients known by their metadata document's URL: fetched and followed when the operator allows the address, refused
/// when the document says otherwise than the request, and never fetched from a private or loopback address by default.
/// </summary>
public sealed class ClientMetadataDocumentTests : IAsyncLifetime
{
    private RunningTestServer _upstream = null!;
    private WebApplication _documents = null!;
    private Uri _documentBase = null!;
    private int _fetches;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _documents = builder.Build();
        _documents.Use(async (context, next) =>
        {
            Interlocked.Increment(ref _fetches);
            await next(context);
        });
        _documents.MapGet("/clients/{name}.json", (string name) => Document(name));
        _documents.MapGet("/clients/moved.json", () => Results.Redirect(new Uri(_documentBase, "/clients/good.json").ToString()));
        await _documents.StartAsync();
        _documentBase = new Uri(_documents.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _documents.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_client_known_by_its_document_signs_a_person_in_and_is_advertised()
    {
        await using var gateway = await StartGatewayAsync(allowPrivate: true);
        using var client = new OAuthTestClient(gateway.BaseUrl, ClientId("good"));

        var metadata = await client.GetJsonAsync("/.well-known/oauth-authorization-server");
        var (access, _) = await client.TokensAsync();

        Assert.True(metadata["client_id_metadata_document_supported"]!.GetValue<bool>());
        await using var mcp = await gateway.ConnectAsync("test", bearer: access);
        Assert.Contains(await mcp.ListToolsAsync(), t => t.Name == "echo");
    }

    [Theory]
    [InlineData("127.0.0.1", "public addresses only")]
    [InlineData("localhost", "public addresses only")]
    [InlineData("http", "served over https")]
    public async Task By_default_a_document_on_a_loopback_address_is_never_fetched(string host, string why)
    {
        await using var gateway = await StartGatewayAsync(allowPrivate: false);
        var clientId = host == "http" ? ClientId("good") : $"https://{host}:{_documentBase.Port}/clients/good.json";
        using var client = new OAuthTestClient(gateway.BaseUrl, clientId);
        var before = Volatile.Read(ref _fetches);

        var body = await AssertRefusedAsync(client, client.AuthorizeQuery());

        Assert.Contains(why, WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        Assert.Equal(before, Volatile.Read(ref _fetches));
    }

    [Theory]
    [InlineData("other-id", "its own URL as its client_id")]
    [InlineData("confidential", "public client")]
    [InlineData("no-redirects", "redirect_uris")]
    [InlineData("huge", "larger than")]
    [InlineData("moved", "answered 302")]
    [InlineData("missing", "answered 404")]
    public async Task A_document_that_does_not_describe_the_client_is_refused(string name, string why)
    {
        await using var gateway = await StartGatewayAsync(allowPrivate: true);
        using var client = new OAuthTestClient(gateway.BaseUrl, ClientId(name));

        var body = await AssertRefusedAsync(client, client.AuthorizeQuery());

        Assert.Contains(why, WebUtility.HtmlDecode(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_uri_the_document_does_not_list_is_refused()
    {
        await using var gateway = await StartGatewayAsync(allowPrivate: true);
        using var client = new OAuthTestClient(gateway.BaseUrl, ClientId("good"));
        var query = client.AuthorizeQuery();
        query["redirect_uri"] = "http://127.0.0.1:33418/elsewhere";

        await AssertRefusedAsync(client, query);
    }

    [Fact]
    public async Task Document_clients_count_toward_the_cap_on_clients_not_configured_and_one_already_known_still_signs_in()
    {
        await using var gateway = await StartGatewayAsync(allowPrivate: true, options => options.MaxSelfRegisteredClients = 1);
        using var known = new OAuthTestClient(gateway.BaseUrl, ClientId("good"));
        Assert.NotEmpty((await known.TokensAsync()).Access);

        var (registered, registration) = await known.RegisterAsync("""{ "redirect_uris": ["http://127.0.0.1:33418/callback"], "token_endpoint_auth_method": "none" }""");
        using var newcomer = new OAuthTestClient(gateway.BaseUrl, ClientId("second"));
        var body = await AssertRefusedAsync(newcomer, newcomer.AuthorizeQuery());

        Assert.Equal(HttpStatusCode.Forbidden, registered);
        Assert.Contains("its limit", registration["error_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("its limit", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        Assert.NotEmpty((await known.TokensAsync()).Access);
    }

    [Fact]
    public async Task New_document_urls_past_the_limit_of_an_address_are_refused_unfetched_and_known_ones_still_sign_in()
    {
        await using var gateway = await StartGatewayAsync(allowPrivate: true, options => options.RegistrationsPerMinute = 2);
        using var good = new OAuthTestClient(gateway.BaseUrl, ClientId("good"));
        using var second = new OAuthTestClient(gateway.BaseUrl, ClientId("second"));
        Assert.NotEmpty(await good.CodeAsync());
        Assert.NotEmpty(await second.CodeAsync());
        using var third = new OAuthTestClient(gateway.BaseUrl, ClientId("third"));
        var before = Volatile.Read(ref _fetches);

        var body = await AssertRefusedAsync(third, third.AuthorizeQuery());

        Assert.Contains("at most 2 a minute", WebUtility.HtmlDecode(body), StringComparison.Ordinal);
        Assert.Equal(before, Volatile.Read(ref _fetches));
        Assert.NotEmpty(await good.CodeAsync());
        Assert.NotEmpty(await second.CodeAsync());
    }

    private string ClientId(string name) => new Uri(_documentBase, $"/clients/{name}.json").ToString();

    private IResult Document(string name)
    {
        var document = new JsonObject
        {
            ["client_id"] = name == "other-id" ? ClientId("good") : ClientId(name),
            ["client_name"] = "A client by its document",
            ["redirect_uris"] = name == "no-redirects" ? new JsonArray() : new JsonArray(OAuthTestClient.RedirectUri),
        };
        switch (name)
        {
            case "confidential":
                document["token_endpoint_auth_method"] = "client_secret_basic";
                break;
            case "huge":
                document["padding"] = new string('x', ClientMetadataDocuments.MaxDocumentBytes);
                break;
            case "missing":
                return Results.NotFound();
        }

        return Results.Text(document.ToJsonString(), "application/json");
    }

    private Task<RunningGateway> StartGatewayAsync(bool allowPrivate, Action<OAuthServerOptions>? options = null) =>
        RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            configureServices: services =>
            {
                services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>());
                services.PostConfigure<OAuthServerOptions>(o => options?.Invoke(o));
            },
            extraGrants: new JsonArray(new JsonObject
            {
                ["id"] = "person-test",
                ["server"] = "test",
                ["identities"] = new JsonArray(TestSignIn.Person),
                ["policy"] = "policy-test.json",
            }),
            sections: new JsonObject
            {
                ["oauth"] = new JsonObject
                {
                    ["clientMetadataDocuments"] = new JsonObject { ["allowPrivateAddresses"] = allowPrivate },
                },
            });

    // Refused at the authorization server: the person sees the error, and no redirect URI receives anything.
    private static async Task<string> AssertRefusedAsync(OAuthTestClient client, Dictionary<string, string?> query)
    {
        using var response = await client.AuthorizeAsync(query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{response.StatusCode} {response.Headers.Location}: {body}");
        Assert.Null(response.Headers.Location);
        return body;
    }
}

/// <summary>Which addresses count as public for fetching a client's metadata document.</summary>
public sealed class ClientMetadataAddressTests
{
    [Theory]
    [InlineData("93.184.215.14", true)]
    [InlineData("2606:2800:21f:cb07:6820:80da:af6b:8b2c", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    public void Private_loopback_link_local_and_shared_addresses_are_not_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, ClientMetadataDocuments.IsPublic(IPAddress.Parse(address)));
}
