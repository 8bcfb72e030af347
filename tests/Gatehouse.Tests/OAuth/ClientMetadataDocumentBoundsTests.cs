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
/// What a client ID metadata document must not do: take over a client the operator configured under the same id, or
/// hold the authorization server's fetch longer than its few seconds by sending its body slowly.
/// </summary>
public sealed class ClientMetadataDocumentBoundsTests : IAsyncLifetime
{
    private const string ConfiguredRedirectUri = "http://127.0.0.1:33419/configured";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _slowFetchAbandoned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningTestServer _upstream = null!;
    private WebApplication _documents = null!;
    private Uri _documentBase = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _documents = builder.Build();
        _documents.MapGet("/clients/{name}.json", (string name) => Results.Text(new JsonObject
        {
            ["client_id"] = ClientId(name),
            ["client_name"] = "A client by its document",
            ["redirect_uris"] = new JsonArray(OAuthTestClient.RedirectUri),
        }.ToJsonString(), "application/json"));
        // A document naming the redirect URI it is asked for, whatever it is.
        _documents.MapGet("/redirecting/{scheme}/client.json", (string scheme) => Results.Text(new JsonObject
        {
            ["client_id"] = new Uri(_documentBase, $"/redirecting/{scheme}/client.json").ToString(),
            ["redirect_uris"] = new JsonArray(RedirectUriOf(scheme)),
        }.ToJsonString(), "application/json"));
        // Its headers at once, then its body more slowly than anyone would wait for a few kilobytes.
        _documents.MapGet("/slow/client.json", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                _slowFetchAbandoned.TrySetResult();
                throw;
            }
        });
        await _documents.StartAsync();
        _documentBase = new Uri(_documents.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _documents.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_document_does_not_replace_a_configured_client_whose_id_is_its_url()
    {
        var configuredId = ClientId("configured");
        await using var gateway = await StartGatewayAsync(new JsonObject
        {
            ["clientId"] = configuredId,
            ["redirectUris"] = new JsonArray(ConfiguredRedirectUri),
            ["displayName"] = "Configured by the operator",
        });
        using var client = new OAuthTestClient(gateway.BaseUrl, configuredId);

        // The document at the configured id's URL names a redirect URI the operator never configured.
        using var response = await client.AuthorizeAsync(client.AuthorizeQuery()).WaitAsync(s_wait);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized,
            $"the configured client was taken over by the document at its id: {response.StatusCode} {response.Headers.Location}: {body}");
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_document_whose_body_trickles_is_given_up_on_within_the_fetch_time_limit()
    {
        await using var gateway = await StartGatewayAsync();
        using var client = new OAuthTestClient(gateway.BaseUrl, new Uri(_documentBase, "/slow/client.json").ToString());

        // The body would take 60 s: an answer before that, with the document server seeing its request dropped, shows the
        // fetch gave up on the body rather than waiting for it.
        HttpResponseMessage response;
        try
        {
            response = await client.AuthorizeAsync(client.AuthorizeQuery()).WaitAsync(s_wait);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the authorization request was still waiting for the document's body after {s_wait.TotalSeconds:0} s");
            throw;
        }

        using var _ = response;
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{response.StatusCode}");
        try
        {
            await _slowFetchAbandoned.Task.WaitAsync(s_wait);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Gatehouse answered but was still reading the document's body {s_wait.TotalSeconds:0} s later");
        }
    }

    [Theory]
    [InlineData("http")]
    [InlineData("javascript")]
    public async Task A_document_gets_no_redirect_uri_that_registration_would_refuse(string scheme)
    {
        await using var gateway = await StartGatewayAsync();
        using var client = new OAuthTestClient(gateway.BaseUrl, new Uri(_documentBase, $"/redirecting/{scheme}/client.json").ToString());
        var query = client.AuthorizeQuery();
        query["redirect_uri"] = RedirectUriOf(scheme);

        using var response = await client.AuthorizeAsync(query).WaitAsync(s_wait);
        var body = await response.Content.ReadAsStringAsync();

        // Registration (RFC 7591) refuses plain http:// off the person's machine, and schemes no browser hands to an
        // application: a code must not travel there because a stranger's document asked for it instead.
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized,
            $"{response.StatusCode} {response.Headers.Location}: {body}");
        Assert.Null(response.Headers.Location);
    }

    private static string RedirectUriOf(string scheme) => scheme switch
    {
        "http" => "http://203.0.113.7/callback",
        _ => "javascript://203.0.113.7/%0Aalert(1)",
    };

    private string ClientId(string name) => new Uri(_documentBase, $"/clients/{name}.json").ToString();

    private Task<RunningGateway> StartGatewayAsync(JsonObject? configuredClient = null)
    {
        var oauth = new JsonObject
        {
            ["clientMetadataDocuments"] = new JsonObject { ["allowPrivateAddresses"] = true },
        };
        if (configuredClient is not null)
        {
            oauth["clients"] = new JsonArray(configuredClient);
        }

        return RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            configureServices: services => services.Replace(ServiceDescriptor.Singleton<IOAuthSignIn, TestSignIn>()),
            extraGrants: new JsonArray(new JsonObject
            {
                ["id"] = "person-test",
                ["server"] = "test",
                ["identities"] = new JsonArray(TestSignIn.Person),
                ["policy"] = "policy-test.json",
            }),
            sections: new JsonObject { ["oauth"] = oauth });
    }
}

/// <summary>IPv6 forms that reach an IPv4 address: public only when the IPv4 address they carry is.</summary>
public sealed class ClientMetadataEmbeddedAddressTests
{
    [Theory]
    // IPv4-compatible (deprecated, RFC 4291 2.5.5.1), carrying 127.0.0.1 and 10.0.0.1.
    [InlineData("::127.0.0.1")]
    [InlineData("::10.0.0.1")]
    // NAT64, the well-known prefix (RFC 6052) and the local-use one (RFC 8215): an IPv6-only network's gateway to IPv4.
    [InlineData("64:ff9b::127.0.0.1")]
    [InlineData("64:ff9b::10.0.0.1")]
    [InlineData("64:ff9b::169.254.169.254")]
    [InlineData("64:ff9b:1::a00:1")]
    public void An_IPv6_address_that_carries_a_private_IPv4_address_is_not_public(string address) =>
        Assert.False(ClientMetadataDocuments.IsPublic(IPAddress.Parse(address)), $"{address} counts as public");
}
