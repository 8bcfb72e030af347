using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Gatehouse.TestServer;

/// <summary>A started test MCP server; disposing it stops Kestrel and ends every session.</summary>
public sealed class RunningTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    internal RunningTestServer(WebApplication app, Uri mcpUrl)
    {
        _app = app;
        McpUrl = mcpUrl;
    }

    /// <summary>The Streamable HTTP endpoint, e.g. <c>http://127.0.0.1:41234/mcp</c>.</summary>
    public Uri McpUrl { get; }

    /// <summary>
    /// Lists <paramref name="tool"/> with another description from now on, as a server that changes a tool under
    /// its clients does (a rug pull, or tool poisoning after the fact).
    /// </summary>
    public void Redescribe(string tool, string description) =>
        _app.Services.GetRequiredService<IOptions<McpServerOptions>>().Value.ToolCollection![tool].ProtocolTool.Description = description;

    /// <summary>The server's open sessions: GET streams counted, notifications of its own sent.</summary>
    public OpenSessions Sessions => _app.Services.GetRequiredService<OpenSessions>();

    /// <summary>
    /// Ends every open session, as a server that restarted has forgotten them: their GET streams close, and a request
    /// naming one of them is answered 404.
    /// </summary>
    public async Task EndSessionsAsync()
    {
        using var http = new HttpClient();
        foreach (var id in Sessions.Ids)
        {
            using var delete = new HttpRequestMessage(HttpMethod.Delete, McpUrl);
            delete.Headers.Add("Mcp-Session-Id", id);
            using var response = await http.SendAsync(delete);
            response.EnsureSuccessStatusCode();
        }
    }

    internal Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
