using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Gatehouse.Relay.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Http;

/// <summary>Writing Gatehouse's own errors and event streams over HTTP, with the serializer messages are read with.</summary>
internal static class JsonRpcHttp
{
    public static readonly JsonTypeInfo<JsonRpcMessage> MessageType =
        (JsonTypeInfo<JsonRpcMessage>)WireMessages.Options.GetTypeInfo(typeof(JsonRpcMessage));

    private static readonly JsonTypeInfo<JsonRpcError> s_errorType =
        (JsonTypeInfo<JsonRpcError>)WireMessages.Options.GetTypeInfo(typeof(JsonRpcError));

    /// <summary>Writes a JSON-RPC error as the whole HTTP response.</summary>
    public static async Task WriteErrorAsync(HttpContext context, int statusCode, McpErrorCode code, string message, RequestId id = default,
        JsonNode? data = null)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, JsonRpcReplies.Error(id, code, message, data), s_errorType, context.RequestAborted);
    }

    /// <summary>The identity the request was authenticated as, or null.</summary>
    public static string? CallerOf(HttpContext context) => RelayCall.IdentityOf(context.User);

    /// <summary>Prepares the response to carry a server-sent event stream.</summary>
    public static void StartEventStream(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers.ContentEncoding = "identity";
        context.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
    }
}
