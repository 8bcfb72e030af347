using System.Text.Json.Nodes;
using Gatehouse.Relay.Http;
using ModelContextProtocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The words of MCP's session-less revision (2026-07-28): the versions it names, the <c>_meta</c> keys every request
/// carries, and the error codes it defines.
/// </summary>
internal static class ModernProtocol
{
    /// <summary>The session-less revision Gatehouse relays.</summary>
    public const string Version = "2026-07-28";

    public const string ProtocolVersionKey = "io.modelcontextprotocol/protocolVersion";
    public const string ClientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";

    public const string MethodHeader = "Mcp-Method";
    public const string NameHeader = "Mcp-Name";
    public const string ParamHeaderPrefix = "Mcp-Param-";

    public const string Discover = "server/discover";
    public const string Listen = "subscriptions/listen";

    public static readonly McpErrorCode HeaderMismatch = (McpErrorCode)(-32020);
    public static readonly McpErrorCode UnsupportedProtocolVersion = (McpErrorCode)(-32022);

    /// <summary>The task methods of the tasks extension, honoured only for whoever created the task.</summary>
    public static readonly IReadOnlySet<string> TaskMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "tasks/get", "tasks/update", "tasks/cancel",
    };

    /// <summary>Methods whose result a shared cache could serve to another caller, so they are marked private.</summary>
    public static readonly IReadOnlySet<string> Cacheable = new HashSet<string>(StringComparer.Ordinal)
    {
        "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read", Discover,
    };

    /// <summary>Every version Gatehouse speaks with a client, newest first: this revision, then those opened with initialize.</summary>
    public static IReadOnlyList<string> SupportedVersions { get; } =
        [Version, .. McpProtocolHeaders.RelayedVersions.OrderDescending(StringComparer.Ordinal)];

    /// <summary>The <c>_meta</c> of a request's parameters, when it has one.</summary>
    public static JsonObject? MetaOf(JsonNode? parameters) => (parameters as JsonObject)?["_meta"] as JsonObject;

    /// <summary>The protocol version a request's <c>_meta</c> names, when it names one as a string.</summary>
    public static string? VersionOf(JsonNode? parameters) =>
        MetaOf(parameters)?[ProtocolVersionKey] is JsonValue value && value.TryGetValue<string>(out var version) ? version : null;
}
