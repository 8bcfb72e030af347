using System.Net;
using ModelContextProtocol;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;

namespace Gatehouse.TestServer;

/// <summary>
/// Hosts the test MCP server on Kestrel: the Streamable HTTP upstream for the conformance suite and
/// the gateway's end-to-end tests. It serves MCP at <c>/mcp</c>, with sessions for 2025-11-25 clients,
/// SSE event ids and replay (Last-Event-ID), and answers 403 to a non-loopback Host or Origin.
/// </summary>
/// <remarks>
/// What it offers (names fixed by the conformance suite unless marked general):
/// <list type="bullet">
/// <item><description>Tools: test_simple_text, test_image_content, test_audio_content, test_embedded_resource,
/// test_multiple_content_types, test_error_handling (isError result), test_tool_with_logging (3 info logs,
/// honouring logging/setLevel), test_tool_with_progress (0/50/100 of 100 when a progressToken is sent),
/// test_sampling(prompt) (sampling/createMessage), test_elicitation(message), test_elicitation_sep1034_defaults,
/// test_elicitation_sep1330_enums (elicitation/create), json_schema_2020_12_tool, test_reconnection (closes its
/// SSE stream, answer replayed on GET with Last-Event-ID); general: echo(message),
/// test_slow_operation(durationMs) (cancellable), test_notify_resource_updated(uri) (sends
/// notifications/resources/updated to the calling session if it subscribed to uri), test_request_headers (the
/// names of the headers the call's HTTP request carried).</description></item>
/// <item><description>Resources: test://static-text, test://static-binary (PNG), test://watched-resource (subscribable);
/// template test://template/{id}/data.</description></item>
/// <item><description>Prompts: test_simple_prompt, test_prompt_with_arguments(arg1, arg2),
/// test_prompt_with_embedded_resource(resourceUri), test_prompt_with_image.</description></item>
/// <item><description>Completions for test_prompt_with_arguments' arguments and the template's id; logging/setLevel;
/// resources/subscribe and unsubscribe.</description></item>
/// </list>
/// </remarks>
public static class TestServerHost
{
    /// <summary>Where MCP is mapped, relative to the server's base address.</summary>
    public const string McpPath = "/mcp";

    /// <summary>Starts the server in-process on a free loopback port.</summary>
    public static Task<RunningTestServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync([], quiet: true, cancellationToken);

    /// <summary>Starts the server in-process on a free loopback port, requiring OAuth as <paramref name="protection"/> says.</summary>
    public static Task<RunningTestServer> StartAsync(UpstreamProtection protection, CancellationToken cancellationToken = default) =>
        StartAsync([], quiet: true, cancellationToken, protection);

    internal static async Task<RunningTestServer> StartAsync(string[] args, bool quiet, CancellationToken cancellationToken, UpstreamProtection? protection = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(TestServerHost).Assembly.GetName().Name,
            // The test runner's working directory is not this project's; pin the content root so no
            // stray appsettings.json from the caller is picked up.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        if (quiet)
        {
            // In-process hosts share the test's console; per-request logs would drown its output.
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        ConfigureServices(builder.Services);
        protection?.AddServices(builder.Services);

        var app = builder.Build();
        app.Use(RejectNonLoopbackHostOrOrigin);
        app.Use(CountEventStreams);
        protection?.Use(app);
        var mcp = app.MapMcp(McpPath);
        if (protection is not null)
        {
            mcp.RequireAuthorization();
        }

        await app.StartAsync(cancellationToken);

        // With port 0 only the started server knows its real address.
        return new RunningTestServer(app, new Uri(new Uri(app.Urls.First()), McpPath));
    }

    private static void ConfigureServices(IServiceCollection services)
    {
        var subscriptions = new ResourceSubscriptions();
        services.AddSingleton(subscriptions);
        var sessions = new OpenSessions();
        services.AddSingleton(sessions);

        // test_reconnection closes its SSE stream before answering; the answer must then be kept
        // somewhere the client's GET with Last-Event-ID can replay it from.
        services.AddDistributedMemoryCache();
        services.AddHttpContextAccessor();

        services.AddMcpServer(options => options.ServerInfo = new Implementation { Name = "gatehouse-test-server", Version = "1.0.0" })
            // The 2025-11-25 clients the suite and our relay tests use need sessions: sampling, elicitation,
            // subscriptions and the GET stream all ride on one. Newer clients are still served, statelessly.
            .WithHttpTransport(options =>
            {
                options.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
                // Experimental in the SDK, and the one way to hold a session's server outside its requests.
#pragma warning disable MCPEXP002
                options.RunSessionHandler = (_, server, cancellationToken) => sessions.RunAsync(server, cancellationToken);
#pragma warning restore MCPEXP002
            })
            .WithDistributedCacheEventStreamStore()
            .WithTools([typeof(TestTools)])
            .WithTools([TestTools.CreateJsonSchema202012Tool()])
            .WithResources([typeof(TestResources)])
            .WithPrompts([typeof(TestPrompts)])
            .WithCompleteHandler((request, _) => ValueTask.FromResult(TestCompletions.Complete(request.Params)))
            .WithSubscribeToResourcesHandler((request, _) =>
            {
                subscriptions.Subscribe(RequireSessionId(request.Server.SessionId), request.Params!.Uri);
                return ValueTask.FromResult(new EmptyResult());
            })
            .WithUnsubscribeFromResourcesHandler((request, _) =>
            {
                subscriptions.Unsubscribe(RequireSessionId(request.Server.SessionId), request.Params!.Uri);
                return ValueTask.FromResult(new EmptyResult());
            });
    }

    private static string RequireSessionId(string? sessionId) =>
        sessionId ?? throw new McpException("Resource subscriptions need a stateful session.");

    // DNS-rebinding protection (the suite's dns-rebinding-protection scenario): a browser lured to a
    // hostile page that resolves to 127.0.0.1 sends that page's name as Host and Origin.
    private static async Task RejectNonLoopbackHostOrOrigin(HttpContext context, RequestDelegate next)
    {
        var origin = context.Request.Headers.Origin.ToString();
        var originIsLoopback = origin.Length == 0 || (Uri.TryCreate(origin, UriKind.Absolute, out var originUri) && IsLoopbackName(originUri.Host));
        if (!IsLoopbackName(context.Request.Host.Host) || !originIsLoopback)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("Host and Origin must name a loopback address.");
            return;
        }
        await next(context);
    }

    private static Task CountEventStreams(HttpContext context, RequestDelegate next)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            context.RequestServices.GetRequiredService<OpenSessions>().CountEventStream();
        }

        return next(context);
    }

    private static bool IsLoopbackName(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
