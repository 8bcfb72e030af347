using Microsoft.AspNetCore.Http;

namespace Gatehouse.Relay.Http;

/// <summary>The MCP headers of Streamable HTTP, and the protocol versions Gatehouse relays.</summary>
internal static class McpProtocolHeaders
{
    public const string SessionId = "Mcp-Session-Id";
    public const string ProtocolVersion = "MCP-Protocol-Version";
    public const string LastEventId = "Last-Event-ID";

    /// <summary>
    /// The revisions that open a session with initialize. A relay pairs sessions, so it speaks these; a
    /// client that probes a later, session-less revision is told to fall back to initialize.
    /// </summary>
    public static readonly IReadOnlySet<string> RelayedVersions = new HashSet<string>(StringComparer.Ordinal)
    {
        "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25",
    };

    /// <summary>The version the request names, or null when it names none (MCP then assumes 2025-03-26).</summary>
    public static string? RequestedVersion(HttpContext context) =>
        context.Request.Headers[ProtocolVersion] is { Count: > 0 } values ? values.ToString() : null;

    public static bool AcceptsJsonAndEventStream(HttpRequest request) =>
        Accepts(request, "application/json") && Accepts(request, "text/event-stream");

    public static bool AcceptsEventStream(HttpRequest request) => Accepts(request, "text/event-stream");

    private static bool Accepts(HttpRequest request, string mediaType) =>
        request.GetTypedHeaders().Accept.Any(a =>
            a.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase) ||
            a.MediaType.Equals("*/*", StringComparison.Ordinal) ||
            (a.MediaType.EndsWith("/*", StringComparison.Ordinal) &&
             mediaType.StartsWith(a.MediaType.Value.AsSpan(0, a.MediaType.Length - 1), StringComparison.OrdinalIgnoreCase)));
}
