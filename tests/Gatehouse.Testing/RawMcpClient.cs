using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Gatehouse.Testing;

/// <summary>
/// Plain HTTP to the gateway's MCP endpoint, for messages no SDK client would send: hostile headers, malformed
/// bodies, names an SDK refuses to put in a header.
/// </summary>
/// <param name="endpoint">The gateway's MCP URL of one server.</param>
/// <param name="bearer">A key or token every request of this client carries; none when null.</param>
public sealed class RawMcpClient(Uri endpoint, string? bearer = null) : IDisposable
{
    public const string Initialize =
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

    private readonly HttpClient _http = WithBearer(new HttpClient(), bearer);

    public Uri Endpoint { get; } = endpoint;


    /// <summary>A POST of <paramref name="body"/> that accepts JSON and event streams, as MCP requires.</summary>
    public HttpRequestMessage Post(string body, string? sessionId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (sessionId is not null)
        {
            request.Headers.Add("Mcp-Session-Id", sessionId);
            request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        }

        return request;
    }

    /// <summary>
    /// A POST of a 2026-07-28 request: <paramref name="parameters"/> with the <c>_meta</c> every request carries, and the
    /// routing headers that mirror the body (MCP-Protocol-Version, Mcp-Method, Mcp-Name where the method has a name or a task).
    /// </summary>
    public HttpRequestMessage PostSessionless(string method, JsonObject? parameters = null, int id = 1, string version = "2026-07-28")
    {
        parameters ??= [];
        parameters.TryAdd("_meta", new JsonObject
        {
            ["io.modelcontextprotocol/protocolVersion"] = version,
            ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
        });
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };
        var request = Post(body.ToJsonString());
        request.Headers.Add("MCP-Protocol-Version", version);
        request.Headers.Add("Mcp-Method", method);
        var mirrored = method.StartsWith("tasks/", StringComparison.Ordinal) ? parameters["taskId"] : parameters["name"] ?? parameters["uri"];
        if ((string?)mirrored is { } name)
        {
            request.Headers.Add("Mcp-Name", name);
        }

        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    /// <summary>
    /// Sends <paramref name="request"/> and reads its answer: the status, and the one JSON message, or an event stream's
    /// last (the answer after any notifications); bounded by <see cref="Eventually.DefaultWait"/>.
    /// </summary>
    public async Task<(HttpStatusCode Status, JsonNode Body)> ExchangeAsync(HttpRequestMessage request)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultWait);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        var json = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? text.Split('\n').Last(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..]
            : text;
        return (response.StatusCode, JsonNode.Parse(json)!);
    }

    /// <summary>The whole body of the answer to <paramref name="request"/> (an event stream the server ends, or one message).</summary>
    public async Task<string> ReadAllAsync(HttpRequestMessage request)
    {
        using var timeout = new CancellationTokenSource(Eventually.DefaultWait);
        using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="request"/>, returning once its headers are read: for event streams that stay open.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion) => _http.SendAsync(request, completion);

    /// <summary>A GET that opens the session's stream for messages the server sends of its own accord.</summary>
    public HttpRequestMessage Get(string sessionId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Endpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("Mcp-Session-Id", sessionId);
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        return request;
    }

    /// <summary>Initializes a session and returns its id.</summary>
    public async Task<string> OpenSessionAsync()
    {
        using var response = await _http.SendAsync(Post(Initialize));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"initialize got {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var sessionId = response.Headers.GetValues("Mcp-Session-Id").Single();
        await response.Content.ReadAsStringAsync();
        using var initialized = await _http.SendAsync(Post("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", sessionId));
        return sessionId;
    }

    /// <summary>Sends <paramref name="body"/> on a session and returns the whole response body (an event stream).</summary>
    public async Task<string> CallAsync(string sessionId, string body)
    {
        using var response = await _http.SendAsync(Post(body, sessionId));
        return await response.Content.ReadAsStringAsync();
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient WithBearer(HttpClient http, string? bearer)
    {
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }
}
