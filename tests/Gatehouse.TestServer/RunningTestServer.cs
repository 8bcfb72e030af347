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

    internal Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
