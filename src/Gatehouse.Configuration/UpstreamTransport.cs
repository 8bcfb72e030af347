namespace Gatehouse.Configuration;

/// <summary>How an HTTP upstream is spoken to. Meaningless for stdio upstreams, which keep the default.</summary>
public enum UpstreamTransport
{
    /// <summary>Try Streamable HTTP first and fall back to legacy SSE, as MCP clients do when unspecified.</summary>
    AutoDetect,
    StreamableHttp,
    Sse,
}
