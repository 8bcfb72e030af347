using Gatehouse.Relay.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Http;

/// <summary>
/// Takes one client message from a POST body: the size, the media type and the JSON are checked here, the message
/// is read by <see cref="WireMessages"/>, and every refusal is answered and written to the audit log.
/// </summary>
internal sealed class HttpMessageIntake(IOptions<RelayHttpOptions> options, CallRecorder recorder)
{
    /// <summary>Reads the message of a POST to <paramref name="server"/>, or answers the refusal and returns null.</summary>
    public async Task<JsonRpcMessage?> ReadAsync(HttpContext context, string server, string? sessionId)
    {
        var maxBodyBytes = options.Value.MaxRequestBodyBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            sizeLimit.MaxRequestBodySize = maxBodyBytes;
        }

        if (!IsJson(context.Request.ContentType))
        {
            await RefuseAsync(context, server, sessionId, StatusCodes.Status415UnsupportedMediaType,
                $"a message is posted as application/json (UTF-8), not as '{Shown(context.Request.ContentType)}'");
            return null;
        }

        if (context.Request.ContentLength > maxBodyBytes)
        {
            await RefuseTooLargeAsync(context, server, sessionId, maxBodyBytes);
            return null;
        }

        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RefuseTooLargeAsync(context, server, sessionId, maxBodyBytes);
            return null;
        }

        var body = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (FirstNonWhitespace(body.Span) == '[')
        {
            await RefuseAsync(context, server, sessionId, StatusCodes.Status400BadRequest,
                "JSON-RPC batches are not supported: send one message per request, as MCP 2025-06-18 and later require");
            return null;
        }

        var read = WireMessages.Read(body.Span);
        if (read.Refusal is { } refusal)
        {
            recorder.RecordRefusal(new RelayCall(server, sessionId ?? "", context.User), refusal);
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, refusal.Problem.Code, refusal.Reason, refusal.Id);
            return null;
        }

        return read.Message;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) &&
        media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) &&
        (!media.Charset.HasValue || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    private Task RefuseTooLargeAsync(HttpContext context, string server, string? sessionId, long maxBodyBytes) =>
        RefuseAsync(context, server, sessionId, StatusCodes.Status413PayloadTooLarge,
            $"the request body is larger than the {maxBodyBytes} bytes Gatehouse accepts");

    // A body refused before it is read has no id or method to name; the audit log still says who sent what and why.
    private Task RefuseAsync(HttpContext context, string server, string? sessionId, int status, string reason)
    {
        var refusal = new WireRefusal(default, null, new WireProblem("$", McpErrorCode.InvalidRequest, reason));
        recorder.RecordRefusal(new RelayCall(server, sessionId ?? "", context.User), refusal);
        return JsonRpcHttp.WriteErrorAsync(context, status, McpErrorCode.InvalidRequest, refusal.Reason);
    }

    private static string Shown(string? contentType) => contentType is { Length: > 64 } ? contentType[..64] + "…" : contentType ?? "";

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
