using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Relay.Http;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>A request Gatehouse will not take, with the HTTP status and JSON-RPC error the revision prescribes.</summary>
internal sealed record ModernRefusal(int Status, McpErrorCode Code, string Message, JsonNode? Data = null);

/// <summary>
/// Checks what a 2026-07-28 request says of itself twice: its <c>_meta</c> (the version and capabilities every request
/// carries) and the routing headers that mirror its body. Decisions read only the body; a header that says something
/// else is refused, since a component in front of Gatehouse may have routed or judged the request by it.
/// </summary>
internal static class ModernEnvelope
{
    /// <summary>Whether a POST is of the session-less revision: its version header or its <c>_meta</c> names no revision opened with initialize.</summary>
    public static bool Applies(HttpRequest request, JsonRpcMessage message)
    {
        if (McpProtocolHeaders.RequestedVersion(request.HttpContext) is { } version && !McpProtocolHeaders.RelayedVersions.Contains(version))
        {
            return true;
        }

        // A _meta that names a revision opened with initialize is a session's message, whatever else it carries.
        return message is JsonRpcRequest { Params: var parameters } && ModernProtocol.MetaOf(parameters)?.ContainsKey(ModernProtocol.ProtocolVersionKey) == true &&
            !(ModernProtocol.VersionOf(parameters) is { } named && McpProtocolHeaders.RelayedVersions.Contains(named));
    }

    /// <summary>The refusal of <paramref name="message"/>, or null when its envelope and headers agree and name this revision.</summary>
    public static ModernRefusal? Check(HttpRequest http, JsonRpcMessage message)
    {
        if (message is not JsonRpcRequest request)
        {
            return new ModernRefusal(StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                $"MCP {ModernProtocol.Version} has no client notifications or responses over HTTP: post one request.");
        }

        var meta = ModernProtocol.MetaOf(request.Params);
        if (meta is null)
        {
            return InvalidParams("the request's params carry no _meta object; every request names its protocol version and client capabilities there");
        }

        if (meta[ModernProtocol.ProtocolVersionKey] is not JsonValue versionValue || !versionValue.TryGetValue<string>(out var version))
        {
            return InvalidParams($"_meta has no string '{ModernProtocol.ProtocolVersionKey}'");
        }

        if (meta[ModernProtocol.ClientCapabilitiesKey] is not JsonObject)
        {
            return InvalidParams($"_meta has no object '{ModernProtocol.ClientCapabilitiesKey}'");
        }

        return Mismatch(http, McpProtocolHeaders.ProtocolVersion, version) ??
            Mismatch(http, ModernProtocol.MethodHeader, request.Method) ??
            (NameOf(request) is { } name ? Mismatch(http, ModernProtocol.NameHeader, name) : null);
    }

    /// <summary>What <c>Mcp-Name</c> mirrors for <paramref name="request"/>: the tool or prompt name, or the resource URI; null for other methods.</summary>
    public static string? NameOf(JsonRpcRequest request)
    {
        var key = request.Method switch
        {
            RequestMethods.ToolsCall or RequestMethods.PromptsGet => "name",
            RequestMethods.ResourcesRead => "uri",
            // The tasks extension routes by task, so that a balancer can find the instance that holds it.
            _ when ModernProtocol.TaskMethods.Contains(request.Method) => "taskId",
            _ => null,
        };
        return key is not null && request.Params is JsonObject parameters && parameters[key] is JsonValue value && value.TryGetValue<string>(out var name)
            ? name
            : key is null ? null : "";
    }

    /// <summary>
    /// A header value as the revision encodes it: as is when it is plain visible ASCII, else Base64 of its UTF-8 between
    /// the sentinels <c>=?base64?</c> and <c>?=</c> (also when a plain value looks like the sentinel form).
    /// </summary>
    public static string Encode(string value)
    {
        var plain = value.Length > 0 && value[0] is not (' ' or '\t') && value[^1] is not (' ' or '\t') &&
            value.All(c => c is '\t' or >= ' ' and <= '~') && !IsSentinel(value);
        return plain ? value : $"=?base64?{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}?=";
    }

    /// <summary>A header value as sent, decoded when it is in the Base64 sentinel form; null when that form holds no valid Base64 or UTF-8.</summary>
    public static string? Decode(string header)
    {
        if (!IsSentinel(header))
        {
            return header;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(header["=?base64?".Length..^2]));
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static bool IsSentinel(string value) =>
        value.Length >= "=?base64??=".Length && value.StartsWith("=?base64?", StringComparison.Ordinal) && value.EndsWith("?=", StringComparison.Ordinal);

    private static ModernRefusal? Mismatch(HttpRequest http, string header, string bodyValue)
    {
        var values = http.Headers[header];
        if (values.Count != 1)
        {
            return new ModernRefusal(StatusCodes.Status400BadRequest, ModernProtocol.HeaderMismatch,
                values.Count == 0 ? $"The {header} header is missing; it must mirror the request body." : $"The {header} header is sent more than once.");
        }

        // Only Mcp-Name (and Mcp-Param-*) may come in the Base64 form; a method or version in it is not what a proxy reads.
        var decoded = header == ModernProtocol.NameHeader ? Decode(values.ToString()) : values.ToString();
        return decoded == bodyValue ? null : new ModernRefusal(StatusCodes.Status400BadRequest, ModernProtocol.HeaderMismatch,
            $"Header mismatch: the {header} header does not match the request body.");
    }

    private static ModernRefusal InvalidParams(string reason) =>
        new(StatusCodes.Status400BadRequest, McpErrorCode.InvalidParams, $"Invalid params: {reason}.");
}
