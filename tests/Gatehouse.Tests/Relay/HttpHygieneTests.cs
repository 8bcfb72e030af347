using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Relay;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Relay;

/// <summary>What the gateway's HTTP front refuses, and how: each refusal is clear and changes nothing.</summary>
public sealed class HttpHygieneTests : IAsyncLifetime
{
    private const string Initialize = RawMcpClient.Initialize;

    private const int MaxBody = 64 * 1024;

    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private readonly HttpClient _http = new();
    private readonly List<RawMcpClient> _raw = [];

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(
            ("test", Upstreams.Http(_upstream.McpUrl)),
            ("open", Upstreams.Http(_upstream.McpUrl).With("allowUnknownMethods", true)),
            ("missing", new JsonObject { ["command"] = "/nonexistent/mcp-server" })),
            services => services.Configure<RelayHttpOptions>(o => o.MaxRequestBodyBytes = MaxBody));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _raw.ForEach(r => r.Dispose());
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Health_answers_and_readiness_names_the_unreachable_server()
    {
        var health = await _http.GetAsync(new Uri(_gateway.BaseUrl, "/healthz"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        var ready = await _http.GetAsync(new Uri(_gateway.BaseUrl, "/readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.True(body["servers"]!["test"]!["ready"]!.GetValue<bool>());
        Assert.False(body["servers"]!["missing"]!["ready"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("Host", "evil.example.com")]
    [InlineData("Origin", "http://evil.example.com")]
    [InlineData("Origin", "null")]
    public async Task A_foreign_host_or_origin_is_refused(string header, string value)
    {
        using var request = Post("test", Initialize);
        request.Headers.TryAddWithoutValidation(header, value);
        if (header == "Host")
        {
            request.Headers.Host = value;
        }

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not allowed", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_loopback_origin_is_let_in()
    {
        using var request = Post("test", Initialize);
        request.Headers.TryAddWithoutValidation("Origin", "http://localhost:3000");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Mcp-Session-Id"));
    }

    [Fact]
    public async Task An_unknown_server_is_404()
    {
        var response = await _http.SendAsync(Post("nope", Initialize));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no server named 'nope'", await ErrorMessageAsync(response));
    }

    [Fact]
    public async Task An_unsupported_protocol_version_is_400()
    {
        using var request = Post("test", Initialize);
        request.Headers.Add("MCP-Protocol-Version", "1999-01-01");

        var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1999-01-01", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_client_that_does_not_accept_event_streams_is_406()
    {
        using var request = Post("test", Initialize);
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        Assert.Equal(HttpStatusCode.NotAcceptable, (await _http.SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("""{"jsonrpc":"2.0","id":1}""")]
    public async Task A_malformed_message_is_400_with_a_json_rpc_error(string body)
    {
        var response = await _http.SendAsync(Post("test", body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]);
    }

    [Fact]
    public async Task A_batch_is_refused()
    {
        var response = await _http.SendAsync(Post("test", $"[{Initialize}]"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("batches", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var huge = Initialize.Replace("\"raw\"", $"\"{new string('x', MaxBody)}\"", StringComparison.Ordinal);

        var response = await _http.SendAsync(Post("test", huge));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_request_without_a_session_must_be_initialize()
    {
        var response = await _http.SendAsync(Post("test", """{"jsonrpc":"2.0","id":1,"method":"tools/list"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("initialize", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_session_is_404()
    {
        using var request = Post("test", """{"jsonrpc":"2.0","id":1,"method":"tools/list"}""");
        request.Headers.Add("Mcp-Session-Id", "made-up");

        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_session_of_one_server_is_unknown_on_another()
    {
        var sessionId = await OpenSessionAsync("test");
        using var request = Post("open", """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        request.Headers.Add("Mcp-Session-Id", sessionId);

        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_method_is_refused_unless_the_server_lets_it_through()
    {
        var refused = await CallAsync("test", await OpenSessionAsync("test"), """{"jsonrpc":"2.0","id":2,"method":"acme/launch","params":{}}""");
        Assert.Contains("-32601", refused);
        Assert.Contains("allowUnknownMethods", refused);

        // Let through, the upstream itself answers (it does not know the method either).
        var relayed = await CallAsync("open", await OpenSessionAsync("open"), """{"jsonrpc":"2.0","id":2,"method":"acme/launch","params":{}}""");
        Assert.Contains("-32601", relayed);
        Assert.DoesNotContain("allowUnknownMethods", relayed);
    }

    [Fact]
    public async Task A_notification_of_a_method_it_does_not_know_is_dropped_and_recorded_and_the_session_goes_on()
    {
        var session = await OpenSessionAsync("test");
        using var notification = Post("test", """{"jsonrpc":"2.0","method":"notifications/acme/launch","params":{}}""");
        notification.Headers.Add("Mcp-Session-Id", session);

        Assert.Equal(HttpStatusCode.Accepted, (await _http.SendAsync(notification)).StatusCode);

        var store = _gateway.Services.GetRequiredService<IAuditStore>();
        AuditRecord? dropped = null;
        for (var attempt = 0; attempt < 100 && dropped is null; attempt++)
        {
            dropped = (await store.QueryAsync(new AuditQuery { Decision = AuditDecisions.Deny }, default)).Records
                .FirstOrDefault(r => r.Event.Method == "notifications/acme/launch");
            await Task.Delay(dropped is null ? 50 : 0);
        }

        Assert.Equal(("method", null), (dropped?.Event.Rule, dropped?.Event.RequestId));
        Assert.Contains("echo", await CallAsync("test", session, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}"""));
    }

    [Fact]
    public async Task Arguments_with_a_duplicate_key_are_refused_before_they_reach_the_upstream()
    {
        var reply = await CallAsync("test", await OpenSessionAsync("test"),
            """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"a","message":"b"}}}""");

        Assert.Contains("-32602", reply);
        Assert.Contains("$.params.arguments.message", reply);
        Assert.DoesNotContain("Echo", reply);
    }

    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"ping","params":{"_meta":1}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"ping","params":[1,2]}""")]
    [InlineData("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":[1]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":[1]}""")]
    public async Task Oddly_shaped_parameters_do_not_end_the_session(string body)
    {
        var sessionId = await OpenSessionAsync("test");

        await CallAsync("test", sessionId, body);

        Assert.Contains("\"tools\"", await CallAsync("test", sessionId, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}"""));
    }

    [Fact]
    public async Task Deleting_a_session_ends_it()
    {
        var sessionId = await OpenSessionAsync("test");
        using var delete = new HttpRequestMessage(HttpMethod.Delete, _gateway.McpUrl("test"));
        delete.Headers.Add("Mcp-Session-Id", sessionId);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(delete)).StatusCode);

        using var after = Post("test", """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        after.Headers.Add("Mcp-Session-Id", sessionId);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(after)).StatusCode);
    }

    [Fact]
    public async Task An_upstream_that_cannot_start_is_a_502_naming_the_server()
    {
        var response = await _http.SendAsync(Post("missing", Initialize));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("'missing'", await ErrorMessageAsync(response));
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();

    private Task<string> OpenSessionAsync(string server) => Raw(server).OpenSessionAsync();

    private Task<string> CallAsync(string server, string sessionId, string body) => Raw(server).CallAsync(sessionId, body);

    private HttpRequestMessage Post(string server, string body) => Raw(server).Post(body);

    private RawMcpClient Raw(string server)
    {
        var raw = new RawMcpClient(_gateway.McpUrl(server));
        _raw.Add(raw);
        return raw;
    }
}
