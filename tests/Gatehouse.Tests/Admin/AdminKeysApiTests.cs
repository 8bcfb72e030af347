using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Admin;

/// <summary>The admin API's keys: admins create, list and revoke them; everyone else is refused.</summary>
public sealed class AdminKeysApiTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    private Uri Keys => new(_gateway.BaseUrl, "/admin/v1/keys");

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            auth: new JsonObject { ["anonymous"] = "laptop" });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_creates_a_key_that_then_works_and_revokes_it()
    {
        var admin = await KeyAsync("root", "admin");

        using var created = await SendAsync(HttpMethod.Post, Keys, admin, """{ "identity": "test", "expires": "1h" }""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var key = body["key"]!.GetValue<string>();
        var id = body["id"]!.GetValue<string>();

        await using (var client = await _gateway.ConnectAsync("test", bearer: key))
        {
            Assert.NotEmpty(await client.ListToolsAsync());
        }

        using var listed = await SendAsync(HttpMethod.Get, Keys, admin);
        var keys = JsonNode.Parse(await listed.Content.ReadAsStringAsync())!.AsArray();
        Assert.Contains(keys, k => k!["id"]!.GetValue<string>() == id && k["state"]!.GetValue<string>() == "active");
        Assert.DoesNotContain(key, await listed.Content.ReadAsStringAsync());

        using var revoked = await SendAsync(HttpMethod.Delete, new Uri(Keys, $"keys/{id}"), admin);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        using var afterwards = await SendAsync(HttpMethod.Get, Keys, key);
        Assert.Equal(HttpStatusCode.Unauthorized, afterwards.StatusCode);
    }

    [Fact]
    public async Task Creating_and_revoking_a_key_is_recorded_in_the_audit_log_with_who_did_it()
    {
        var admin = await KeyAsync("root", "admin");

        using var created = await SendAsync(HttpMethod.Post, Keys, admin, """{ "identity": "mailer", "roles": ["approver"] }""");
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var (id, secret) = (body["id"]!.GetValue<string>(), body["key"]!.GetValue<string>());
        using var revoked = await SendAsync(HttpMethod.Delete, new Uri(Keys, $"keys/{id}"), admin);
        using var again = await SendAsync(HttpMethod.Delete, new Uri(Keys, $"keys/{id}"), admin);

        var records = (await _gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Admin }, default))
            .Records.OrderBy(r => r.Sequence).Select(r => r.Event).ToList();
        Assert.Collection(records,
            r =>
            {
                Assert.Equal((AuditDecisions.KeyCreated, "root", id), (r.Decision, r.Identity, r.Target));
                Assert.Contains("'mailer'", r.Reason, StringComparison.Ordinal);
                Assert.Contains("approver", r.Reason, StringComparison.Ordinal);
            },
            // Revoking it a second time changes nothing, and records nothing.
            r => Assert.Equal((AuditDecisions.KeyRevoked, "root", id), (r.Decision, r.Identity, r.Target)));
        Assert.DoesNotContain(records, r => r.Reason!.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Everyone_but_an_admin_is_refused()
    {
        var approver = await KeyAsync("carol", "approver");

        using var anonymous = await SendAsync(HttpMethod.Get, Keys, bearer: null);
        using var notAdmin = await SendAsync(HttpMethod.Get, Keys, approver);
        using var bogus = await SendAsync(HttpMethod.Get, Keys, "gh_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bogus.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{ "expires": "1h" }""")]
    [InlineData("""{ "identity": "x", "expires": "soon" }""")]
    [InlineData("""{ "identity": " spaced " }""")]
    public async Task A_bad_request_is_400_and_creates_nothing(string body)
    {
        var admin = await KeyAsync("root", "admin");
        var before = (await _gateway.Services.GetRequiredService<IApiKeyStore>().ListAsync()).Count;

        using var response = await SendAsync(HttpMethod.Post, Keys, admin, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await _gateway.Services.GetRequiredService<IApiKeyStore>().ListAsync()).Count);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_400()
    {
        var admin = await KeyAsync("root", "admin");
        using var request = new HttpRequestMessage(HttpMethod.Post, Keys) { Content = new StringContent("identity=x", Encoding.UTF8, "text/plain") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Revoking_an_unknown_key_is_404()
    {
        var admin = await KeyAsync("root", "admin");

        using var response = await SendAsync(HttpMethod.Delete, new Uri(Keys, "keys/0000000000000000"), admin);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<string> KeyAsync(string identity, string role) =>
        (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(identity, roles: [role])).Secret;

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, string? bearer, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }
}
