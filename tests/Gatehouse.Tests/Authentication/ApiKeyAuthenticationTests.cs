using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Authentication;

/// <summary>
/// API keys from the store, sent as <c>Authorization: Bearer gh_...</c>: every way a key can be wrong is a 401,
/// a revoked or expired key stops working at once, and the key never travels upstream.
/// </summary>
public sealed class ApiKeyAuthenticationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private RawMcpClient _raw = null!;

    private IApiKeyStore Keys => _gateway.Services.GetRequiredService<IApiKeyStore>();

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl).With("headers", new JsonObject { ["X-Upstream-Key"] = "from-config" }))),
            services => services.AddSingleton<TimeProvider>(_time),
            auth: []);
        _raw = new RawMcpClient(_gateway.McpUrl("test"));
    }

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_valid_key_gets_through_and_never_reaches_the_upstream()
    {
        var (_, key) = await Keys.CreateAsync(RunningGateway.Identity);
        await using var client = await _gateway.ConnectAsync("test", bearer: key);

        var headers = await client.CallToolAsync("test_request_headers");

        var names = ((TextContentBlock)headers.Content[0]).Text.Split('\n');
        Assert.DoesNotContain("Authorization", names, StringComparer.OrdinalIgnoreCase);
        Assert.Contains("X-Upstream-Key", names, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task No_credentials_without_an_anonymous_identity_is_401()
    {
        using var response = await _raw.SendAsync(_raw.Post(RawMcpClient.Initialize));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("resource_metadata=", response.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("gh_")]
    [InlineData("gh_0123456789abcdef_not-a-secret")]
    [InlineData("gh_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task A_wrong_or_malformed_key_is_401(string key) =>
        Assert.Equal(HttpStatusCode.Unauthorized, (await InitializeWithAsync(key)).StatusCode);

    [Fact]
    public async Task The_right_id_with_the_wrong_secret_is_401()
    {
        var (record, _) = await Keys.CreateAsync(RunningGateway.Identity);
        var (_, other) = await Keys.CreateAsync(RunningGateway.Identity);
        var forged = $"gh_{record.Id}_{other[(3 + 16 + 1)..]}";

        Assert.Equal(HttpStatusCode.Unauthorized, (await InitializeWithAsync(forged)).StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_once_even_on_an_open_session()
    {
        var (record, key) = await Keys.CreateAsync(RunningGateway.Identity);
        using var opened = await InitializeWithAsync(key);
        var session = opened.Headers.GetValues("Mcp-Session-Id").Single();

        await Keys.RevokeAsync(record.Id);
        using var request = _raw.Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        using var refused = await _raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task An_expired_key_is_401()
    {
        var (_, key) = await Keys.CreateAsync(RunningGateway.Identity, _time.GetUtcNow().AddHours(1));
        Assert.Equal(HttpStatusCode.OK, (await InitializeWithAsync(key)).StatusCode);

        _time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(HttpStatusCode.Unauthorized, (await InitializeWithAsync(key)).StatusCode);
    }

    [Fact]
    public async Task A_key_of_an_identity_without_a_grant_is_403()
    {
        var (_, key) = await Keys.CreateAsync("marketing-agent");

        Assert.Equal(HttpStatusCode.Forbidden, (await InitializeWithAsync(key)).StatusCode);
    }

    [Fact]
    public async Task An_identity_without_a_grant_cannot_write_refusals_into_the_audit_log()
    {
        var (_, stranger) = await Keys.CreateAsync("stranger");
        var (_, granted) = await Keys.CreateAsync(RunningGateway.Identity);
        const string Hostile = """{"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":1e400}}""";

        using var refused = await PostWithAsync(stranger, Hostile);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // The granted identity's refusal is recorded after anything the stranger's request could have recorded.
        using var recorded = await PostWithAsync(granted, Hostile);
        Assert.Equal(HttpStatusCode.BadRequest, recorded.StatusCode);
        var store = _gateway.Services.GetRequiredService<Gatehouse.Audit.IAuditStore>();
        var records = await Eventually.UntilAsync(async () =>
        {
            var found = (await store.QueryAsync(new Gatehouse.Audit.AuditQuery { Server = "test" }, default)).Records;
            return found.Any(r => r.Event.Identity == RunningGateway.Identity && r.Event.Rule == "request") ? found : null;
        }, "refusal record of the granted identity");
        Assert.DoesNotContain(records, r => r.Event.Identity == "stranger");
    }

    [Fact]
    public async Task Another_identitys_key_cannot_use_a_session()
    {
        var (_, mine) = await Keys.CreateAsync(RunningGateway.Identity);
        var (_, theirs) = await Keys.CreateAsync("intruder");
        using var opened = await InitializeWithAsync(mine);
        var session = opened.Headers.GetValues("Mcp-Session-Id").Single();

        using var request = _raw.Post("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", session);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {theirs}");
        using var refused = await _raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task When_the_store_is_unreachable_keys_are_refused_with_503()
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            auth: [], store: new JsonObject { ["postgres"] = "Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=2" });
        using var raw = new RawMcpClient(gateway.McpUrl("test"));
        using var request = raw.Post(RawMcpClient.Initialize);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer gh_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        using var response = await raw.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    private async Task<HttpResponseMessage> PostWithAsync(string key, string body)
    {
        var request = _raw.Post(body);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        return await _raw.SendAsync(request);
    }

    private Task<HttpResponseMessage> InitializeWithAsync(string key) => PostWithAsync(key, RawMcpClient.Initialize);
}
