using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// A Streamable HTTP server of MCP 2026-07-28 only, small enough to say exactly what it answers: a multi-round tool
/// (<c>ask</c>: <c>input_required</c> until it is retried with the requestState it gave and an input response), a tool
/// that returns a task (<c>make_task</c>) and <c>tasks/get</c>, and list results it marks as public for any cache.
/// It keeps every request it was sent, so a test can show what never reached it.
/// </summary>
internal sealed class SessionlessUpstream : IAsyncDisposable
{
    public const string RequestState = "state-1";

    private readonly WebApplication _app;

    private SessionlessUpstream(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Every request body the server was sent, in order.</summary>
    public ConcurrentQueue<JsonObject> Received { get; } = new();

    /// <summary>The HTTP headers of every request the server was sent, by its JSON-RPC id (as JSON text), names lower case.</summary>
    public ConcurrentDictionary<string, Dictionary<string, string>> HeadersById { get; } = new();

    /// <summary>When set, tools/list is answered with an event stream that never carries the answer (a server stuck on it).</summary>
    public bool HangToolsList { get; set; }

    public IEnumerable<JsonObject> Calls(string method) => Received.Where(r => (string?)r["method"] == method);

    public static async Task<SessionlessUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        SessionlessUpstream? server = null;
        app.MapPost("/mcp", async context => await server!.AnswerAsync(context));
        await app.StartAsync();
        server = new SessionlessUpstream(app, new Uri(new Uri(app.Urls.First()), "/mcp"));
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        Received.Enqueue(request);
        HeadersById[request["id"]?.ToJsonString() ?? ""] = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var parameters = request["params"] as JsonObject ?? [];
        if ((string?)request["method"] == "tools/list" && HangToolsList)
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.Body.FlushAsync();
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        if ((string?)request["method"] == "subscriptions/listen")
        {
            await ListenAsync(context, request, parameters);
            return;
        }

        JsonObject? result = (string?)request["method"] switch
        {
            "server/discover" => new JsonObject
            {
                ["supportedVersions"] = new JsonArray("2026-07-28"),
                ["capabilities"] = new JsonObject { ["tools"] = new JsonObject() },
                ["ttlMs"] = 60000,
                ["cacheScope"] = "public",
            },
            "tools/list" => new JsonObject
            {
                ["tools"] = new JsonArray(Tool("ask"), Tool("make_task"), Tool("echo"), Tool("publish"), RoutedTool(), RegionTool()),
                ["ttlMs"] = 60000,
                ["cacheScope"] = "public",
            },
            "tools/call" => Call(parameters),
            "tasks/get" => new JsonObject { ["taskId"] = parameters["taskId"]?.DeepClone(), ["status"] = "completed" },
            "tasks/result" => Text($"the result of {parameters["taskId"]}"),
            _ => null,
        };

        context.Response.ContentType = "application/json";
        if (result is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync(new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = request["id"]?.DeepClone(),
                ["error"] = new JsonObject { ["code"] = -32601, ["message"] = "Method not found" },
            }.ToJsonString());
            return;
        }

        result.TryAdd("resultType", "complete");
        await context.Response.WriteAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = request["id"]?.DeepClone(), ["result"] = result }.ToJsonString());
    }

    private static JsonObject Call(JsonObject parameters) => (string?)parameters["name"] switch
    {
        "ask" when (string?)parameters["requestState"] == RequestState && parameters["inputResponses"] is JsonObject =>
            Text($"answered {parameters["arguments"]?["q"]}"),
        "ask" => new JsonObject
        {
            ["resultType"] = "input_required",
            ["inputRequests"] = new JsonObject
            {
                ["confirm"] = new JsonObject
                {
                    ["method"] = "elicitation/create",
                    ["params"] = new JsonObject { ["message"] = "Sure?", ["requestedSchema"] = new JsonObject { ["type"] = "object" } },
                },
            },
            ["requestState"] = RequestState,
        },
        "make_task" => new JsonObject { ["resultType"] = "task", ["taskId"] = "task-1", ["status"] = "working" },
        _ => Text($"echo {parameters["arguments"]?["message"]}"),
    };

    /// <summary>
    /// <c>subscriptions/listen</c> as an event stream: the acknowledgment, for each task id asked a <c>notifications/tasks</c>
    /// with its (completed) result, then the response that ends the subscription gracefully.
    /// </summary>
    private static async Task ListenAsync(HttpContext context, JsonObject request, JsonObject parameters)
    {
        context.Response.ContentType = "text/event-stream";
        var id = request["id"]?.DeepClone();
        var meta = () => new JsonObject { ["io.modelcontextprotocol/subscriptionId"] = id?.DeepClone() };
        async Task SendAsync(JsonObject message)
        {
            message["jsonrpc"] = "2.0";
            await context.Response.WriteAsync($"event: message\ndata: {message.ToJsonString()}\n\n");
            await context.Response.Body.FlushAsync();
        }

        var notifications = parameters["notifications"] as JsonObject ?? [];
        await SendAsync(new JsonObject
        {
            ["method"] = "notifications/subscriptions/acknowledged",
            ["params"] = new JsonObject { ["_meta"] = meta(), ["notifications"] = notifications.DeepClone() },
        });
        foreach (var taskId in notifications["taskIds"] as JsonArray ?? [])
        {
            await SendAsync(new JsonObject
            {
                ["method"] = "notifications/tasks",
                ["params"] = new JsonObject
                {
                    ["_meta"] = meta(),
                    ["taskId"] = taskId?.DeepClone(),
                    ["status"] = "completed",
                    ["result"] = Text($"the result of {taskId}"),
                },
            });
        }

        await SendAsync(new JsonObject { ["id"] = id, ["result"] = new JsonObject { ["resultType"] = "complete", ["_meta"] = meta() } });
    }

    // A tool whose 'region' parameter is mirrored into the Mcp-Param-Region header (x-mcp-header).
    private static JsonObject RegionTool() => new()
    {
        ["name"] = "region_tool",
        ["inputSchema"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["region"] = new JsonObject { ["type"] = "string", ["x-mcp-header"] = "Region" } },
        },
    };

    private static JsonObject Text(string text) => new()
    {
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
    };

    /// <summary><c>route</c>: its <c>region</c> argument mirrored in the <c>Mcp-Param-Region</c> header.</summary>
    private static JsonObject RoutedTool() => new()
    {
        ["name"] = "route",
        ["inputSchema"] = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["region"] = new JsonObject { ["type"] = "string", ["x-mcp-header"] = "Region" } },
        },
    };

    private static JsonObject Tool(string name) => new()
    {
        ["name"] = name,
        ["inputSchema"] = new JsonObject { ["type"] = "object" },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
