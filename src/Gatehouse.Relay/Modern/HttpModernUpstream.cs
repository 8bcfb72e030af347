using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Gatehouse.Configuration;
using Gatehouse.Relay.Http;
using Gatehouse.Relay.Wire;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// Forwards a 2026-07-28 request to a Streamable HTTP server as a POST of its own, with the routing headers derived from
/// the body Gatehouse decided on (never copied from the client), and reads back what the server answers. For a server that
/// requires OAuth, each POST carries the person's own upstream token (<paramref name="bearer"/>), never the client's.
/// </summary>
internal sealed class HttpModernUpstream(UpstreamServerConfig server, HttpClient http, Accounts.PersonalBearer? bearer = null) : IModernUpstream
{
    private static readonly MediaTypeWithQualityHeaderValue s_json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue s_eventStream = new("text/event-stream");

    public async Task<UpstreamAnswer> SendAsync(JsonRpcRequest request, IReadOnlyList<KeyValuePair<string, string>> paramHeaders, CancellationToken cancellationToken)
    {
        var token = bearer is null ? null : await bearer.TokenAsync(cancellationToken).ConfigureAwait(false);
        var response = await PostAsync(request, paramHeaders, token, cancellationToken).ConfigureAwait(false);
        if (token is not null && response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            // Revoked, or expired sooner than it said: refreshed once, and the request sent again with the new token.
            response.Dispose();
            token = await bearer!.RefreshAsync(token, cancellationToken).ConfigureAwait(false);
            response = await PostAsync(request, paramHeaders, token, cancellationToken).ConfigureAwait(false);
        }

        if (token is not null && await bearer!.StepUpAsync(response, cancellationToken).ConfigureAwait(false) is { } stepUp)
        {
            // More scope than the person allowed: they are asked for it, and keep their tokens until they have.
            response.Dispose();
            throw stepUp;
        }

        return await AnswerAsync(request, response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> PostAsync(JsonRpcRequest request, IReadOnlyList<KeyValuePair<string, string>> paramHeaders, string? token,
        CancellationToken cancellationToken)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, server.Url)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, JsonRpcHttp.MessageType)),
        };
        post.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        post.Headers.Accept.Add(s_json);
        post.Headers.Accept.Add(s_eventStream);
        foreach (var (header, value) in server.Headers)
        {
            post.Headers.TryAddWithoutValidation(header, value);
        }

        post.Headers.TryAddWithoutValidation(McpProtocolHeaders.ProtocolVersion, ModernProtocol.VersionOf(request.Params));
        post.Headers.TryAddWithoutValidation(ModernProtocol.MethodHeader, request.Method);
        if (ModernEnvelope.NameOf(request) is { } name)
        {
            post.Headers.TryAddWithoutValidation(ModernProtocol.NameHeader, ModernEnvelope.Encode(name));
        }

        foreach (var (header, value) in paramHeaders)
        {
            post.Headers.TryAddWithoutValidation(header, value);
        }

        if (token is not null)
        {
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(post, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<UpstreamAnswer> AnswerAsync(JsonRpcRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var status = (int)response.StatusCode;
            var media = response.Content.Headers.ContentType?.MediaType;
            if (string.Equals(media, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return new UpstreamAnswer(status, streamed: true, ReadEventsAsync(stream, cancellationToken), response);
            }

            if (request.Method == ModernProtocol.Listen && response.IsSuccessStatusCode)
            {
                // A stream that stays open, sent as one JSON message a line by some servers.
                var lines = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return new UpstreamAnswer(status, streamed: true, ReadLinesAsync(lines, cancellationToken), response);
            }

            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var messages = ReadMessages(body);
            response.Dispose();
            if (messages.Count == 0 && status >= 400)
            {
                throw new HttpRequestException($"Upstream server '{server.Name}' answered HTTP {status} with no JSON-RPC message.", null, (System.Net.HttpStatusCode)status);
            }

            return new UpstreamAnswer(status, streamed: false, messages.ToAsyncEnumerable());
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        bearer?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static JsonRpcMessage? ReadMessage(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return JsonSerializer.Deserialize(utf8, JsonRpcHttp.MessageType);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The messages of a JSON body: one, or several one after another (a server that streams JSON lines).</summary>
    private static List<JsonRpcMessage> ReadMessages(byte[] body)
    {
        var messages = new List<JsonRpcMessage>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                if (JsonSerializer.Deserialize(ref reader, JsonRpcHttp.MessageType) is { } message)
                {
                    messages.Add(message);
                }
            }
        }
        catch (JsonException)
        {
            // What was read before the unreadable part is relayed; a body with no message is the upstream's failure.
        }

        return messages;
    }

    private static async IAsyncEnumerable<JsonRpcMessage> ReadLinesAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length > 0 && ReadMessage(System.Text.Encoding.UTF8.GetBytes(line)) is { } message)
            {
                yield return message;
            }
        }
    }

    private static async IAsyncEnumerable<JsonRpcMessage> ReadEventsAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            // Keep-alive comments and events of other types carry no message.
            if (item.EventType == "message" && item.Data.Length > 0 && ReadMessage(System.Text.Encoding.UTF8.GetBytes(item.Data)) is { } message)
            {
                yield return message;
            }
        }
    }
}
