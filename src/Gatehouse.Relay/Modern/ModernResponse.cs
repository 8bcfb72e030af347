using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Relay.Http;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// The HTTP answer to one 2026-07-28 request: a single JSON message when nothing came before the answer, else an event
/// stream scoped to the request (notifications about it, then its answer). It is also the request's client channel: a
/// call held for approval tells of its wait in progress notifications, when the request asked for them.
/// </summary>
internal sealed class ModernResponse(HttpContext context, JsonRpcRequest request) : IClientChannel
{
    private static readonly byte[] s_eventStart = "event: message\ndata: "u8.ToArray();
    private static readonly byte[] s_eventEnd = "\n\n"u8.ToArray();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private bool _answered;

    /// <summary>A client of this revision is never asked mid-request; it is told what is needed in a result instead.</summary>
    public bool CanElicit => false;

    /// <summary>Sends a notification about the request; from then on the answer is an event stream.</summary>
    public Task NotifyAsync(JsonRpcNotification notification) => WriteAsync(notification, StatusCodes.Status200OK, final: false);

    /// <summary>Sends the request's answer: the whole body, with <paramref name="status"/>, unless a stream has begun.</summary>
    public Task AnswerAsync(JsonRpcMessage answer, int status = StatusCodes.Status200OK) => WriteAsync(answer, status, final: true);

    /// <summary>Starts the event stream now, for an answer that is a stream by nature (<c>subscriptions/listen</c>).</summary>
    public async Task StartStreamAsync()
    {
        await _writing.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (!context.Response.HasStarted)
            {
                JsonRpcHttp.StartEventStream(context);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    public async Task ReportProgressAsync(JsonRpcRequest held, double progress, string message)
    {
        if (ModernProtocol.MetaOf(held.Params)?["progressToken"] is not { } token)
        {
            return;
        }

        await NotifyAsync(new JsonRpcNotification
        {
            Method = NotificationMethods.ProgressNotification,
            Params = new JsonObject { ["progressToken"] = token.DeepClone(), ["progress"] = progress, ["message"] = message },
        }).ConfigureAwait(false);
    }

    public Task<JsonNode?> ElicitAsync(JsonRpcRequest held, JsonObject parameters, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"A client of MCP {ModernProtocol.Version} is not asked in the middle of a request.");

    private async Task WriteAsync(JsonRpcMessage message, int status, bool final)
    {
        await _writing.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            if (_answered)
            {
                return;
            }

            _answered = final;
            if (message is JsonRpcResponse { Result: JsonObject result })
            {
                // Gatehouse's own results (a refusal by policy) are complete results too, which this revision says.
                result.TryAdd("resultType", "complete");
            }

            var body = context.Response.Body;
            if (final && !context.Response.HasStarted)
            {
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(body, message, JsonRpcHttp.MessageType, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            if (!context.Response.HasStarted)
            {
                JsonRpcHttp.StartEventStream(context);
            }

            await body.WriteAsync(s_eventStart, context.RequestAborted).ConfigureAwait(false);
            await JsonSerializer.SerializeAsync(body, message, JsonRpcHttp.MessageType, context.RequestAborted).ConfigureAwait(false);
            await body.WriteAsync(s_eventEnd, context.RequestAborted).ConfigureAwait(false);
            await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The request this answer belongs to.</summary>
    public JsonRpcRequest Request { get; } = request;

    /// <summary>The headers the request came with.</summary>
    public IHeaderDictionary RequestHeaders => context.Request.Headers;
}
