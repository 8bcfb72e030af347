using Gatehouse.Configuration;
using Gatehouse.Relay.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Gatehouse.Relay.Http;

/// <summary>
/// The HTTP+SSE transport of MCP 2024-11-05, for older clients: GET <c>/mcp/{server}/sse</c> opens the session's
/// event stream and names the endpoint to POST messages to, <c>/mcp/{server}/message?sessionId=...</c>.
/// </summary>
internal sealed partial class LegacySseEndpoints(
    GatehouseConfig config,
    RelaySessionRegistry sessions,
    HttpMessageIntake intake,
    IAccessCheck access,
    ScopeChallenge scopes,
    Accounts.IUpstreamAccounts accounts,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<LegacySseEndpoints>();

    public async Task StreamAsync(HttpContext context, string server)
    {
        if (!config.McpServers.TryGetValue(server, out var upstream) || upstream.Disabled)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync($"Gatehouse has no server named '{server}'.");
            return;
        }

        if (access.GrantFor(server, context.User) is null)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync($"Identity '{JsonRpcHttp.CallerOf(context)}' holds no grant on server '{server}'.");
            return;
        }

        if (await scopes.RefuseAsync(context, server))
        {
            return;
        }

        var sessionId = RelaySessionRegistry.NewSessionId();
        var messageEndpoint = $"{context.Request.PathBase}/mcp/{Uri.EscapeDataString(server)}/message?sessionId={sessionId}";
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var transport = new SseResponseStreamTransport(context.Response.Body, messageEndpoint, sessionId);
        RelaySession session;
        try
        {
            session = await sessions.OpenAsync(upstream, sessionId, context.User, transport, stream.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stream.IsCancellationRequested)
        {
            await transport.DisposeAsync();
            LogUpstreamStartFailed(ex, server);
            context.Response.StatusCode = ex switch
            {
                SessionLimitReachedException { PerIdentity: true } => StatusCodes.Status429TooManyRequests,
                SessionLimitReachedException => StatusCodes.Status503ServiceUnavailable,
                Accounts.UpstreamAccountRequiredException => StatusCodes.Status403Forbidden,
                _ => StatusCodes.Status502BadGateway,
            };
            await context.Response.WriteAsync(ex switch
            {
                SessionLimitReachedException => ex.Message,
                Accounts.UpstreamAccountRequiredException refusal => accounts.RefusalText(context.Request, refusal),
                _ => $"Gatehouse could not start upstream server '{server}': {ex.Message}",
            });
            return;
        }

        // This event stream carries whatever the server sends, whenever it sends it.
        session.Listen();
        JsonRpcHttp.StartEventStream(context);
        try
        {
            await transport.RunAsync(stream.Token);
        }
        catch (OperationCanceledException) when (stream.IsCancellationRequested)
        {
        }
        finally
        {
            await session.DisposeAsync();
        }
    }

    public async Task MessageAsync(HttpContext context, string server)
    {
        var sessionId = context.Request.Query["sessionId"].ToString();
        var caller = JsonRpcHttp.CallerOf(context);
        // As on a Streamable HTTP session: the same identity, grant, and at least the scopes the session was opened with.
        if (!sessions.TryGet(sessionId, out var session) || session.Call.Server != server || session.Call.Identity != caller ||
            session.ClientTransport is not SseResponseStreamTransport transport ||
            access.GrantFor(server, context.User) is not { } grant || grant != access.GrantFor(server, session.Call.User) ||
            !CallerScopes.Covers(context.User, session.Call.User))
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status404NotFound, (McpErrorCode)(-32001), "Session not found.");
            return;
        }

        if (await intake.ReadAsync(context, server, sessionId) is not { } message || await scopes.RefuseAsync(context, server, message, sessionId))
        {
            return;
        }

        CallerScopes.Carry(message, context.User);
        await transport.OnMessageReceivedAsync(message, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsync("Accepted");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start upstream server '{Server}'.")]
    private partial void LogUpstreamStartFailed(Exception ex, string server);
}
