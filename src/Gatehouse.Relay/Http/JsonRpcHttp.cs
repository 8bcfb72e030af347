using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Http;

/// <summary>Reading JSON-RPC messages from HTTP requests and writing Gatehouse's own errors, with the SDK's serializer.</summary>
internal static class JsonRpcHttp
{
    public static readonly JsonTypeInfo<JsonRpcMessage> MessageType =
        (JsonTypeInfo<JsonRpcMessage>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcMessage));

    private static readonly JsonTypeInfo<JsonRpcError> s_errorType =
        (JsonTypeInfo<JsonRpcError>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonRpcError));

    /// <summary>Reads one message, or writes the error response and returns null.</summary>
    public static async Task<JsonRpcMessage?> ReadMessageOrRejectAsync(HttpContext context, long maxBodyBytes)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = maxBodyBytes;
        }

        if (context.Request.ContentLength > maxBodyBytes)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, McpErrorCode.InvalidRequest,
                $"The request body is larger than the {maxBodyBytes} bytes Gatehouse accepts.");
            return null;
        }

        try
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            if (FirstNonWhitespace(body.Span) == '[')
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                    "JSON-RPC batches are not supported: send one message per request, as MCP 2025-06-18 and later require.");
                return null;
            }

            var message = JsonSerializer.Deserialize(body.Span, MessageType);
            if (message is null)
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest, "The request body holds no JSON-RPC message.");
            }

            return message;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, McpErrorCode.InvalidRequest,
                $"The request body is larger than the {maxBodyBytes} bytes Gatehouse accepts.");
            return null;
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.ParseError,
                $"The request body is not a valid JSON-RPC message: {ex.Message}");
            return null;
        }
    }

    /// <summary>Writes a JSON-RPC error as the whole HTTP response.</summary>
    public static async Task WriteErrorAsync(HttpContext context, int statusCode, McpErrorCode code, string message, RequestId id = default)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, JsonRpcReplies.Error(id, code, message), s_errorType, context.RequestAborted);
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

    private static char FirstNonWhitespace(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return (char)b;
            }
        }

        return '\0';
    }
}
