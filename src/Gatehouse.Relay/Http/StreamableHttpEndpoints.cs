using Gatehouse.Configuration;
using Gatehouse.Relay.Modern;
using Gatehouse.Relay.Session;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gatehouse.Relay.Http;

/// <summary>
/// <c>/mcp/{server}</c> over Streamable HTTP: POST carries client messages, GET opens the stream for messages the
/// server sends on its own, DELETE ends the session. The SDK's server transport does the framing.
/// </summary>
#pragma warning disable MCP9006 // Resumable streams are marked legacy with stateful HTTP, which a relay of sessions is.
internal sealed partial class StreamableHttpEndpoints(
    GatehouseConfig config,
    RelaySessionRegistry sessions,
    HttpMessageIntake intake,
    ResumableStreams resumableStreams,
    IAccessCheck access,
    ScopeChallenge scopes,
    ModernRelay modern,
    Accounts.IUpstreamAccounts accounts,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<StreamableHttpEndpoints>();

    public async Task PostAsync(HttpContext context, string server)
    {
        if (!TryFindServer(server, out var upstream))
        {
            await RejectUnknownServerAsync(context, server);
            return;
        }

        if (!McpProtocolHeaders.AcceptsJsonAndEventStream(context.Request))
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, McpErrorCode.InvalidRequest,
                "Not Acceptable: the client must accept both application/json and text/event-stream.");
            return;
        }

        // Before the body is read: a caller with no grant here gets nothing, not even a refusal record of its making.
        if (access.GrantFor(upstream.Name, context.User) is not { } grant)
        {
            await RejectUngrantedAsync(context, upstream.Name, default);
            return;
        }

        var headerSessionId = context.Request.Headers[McpProtocolHeaders.SessionId].ToString();

        // A refusal is recorded under the session only when the header names one of this caller's on this server:
        // the header is the client's word, and could name another's.
        var refusedIn = sessions.TryGet(headerSessionId, out var named) && named.Call.Server == server &&
            named.Call.Identity == JsonRpcHttp.CallerOf(context) ? headerSessionId : null;
        if (await intake.ReadAsync(context, server, refusedIn) is not { } message)
        {
            return;
        }

        // Authenticated, granted; now the scopes the grant and the rule selecting this request require, on either revision's path.
        if (await scopes.RefuseAsync(context, upstream.Name, message, refusedIn))
        {
            return;
        }

        // A request of the session-less revision carries everything it needs; a session header on it is ignored.
        if (ModernEnvelope.Applies(context.Request, message))
        {
            await modern.HandleAsync(context, upstream, grant, message);
            return;
        }

        var requestId = message is JsonRpcRequest request ? request.Id : default;
        var session = headerSessionId is { Length: > 0 } sessionId
            ? await FindSessionAsync(context, upstream, sessionId, requestId)
            : await OpenSessionAsync(context, upstream, message, requestId);
        if (session is null)
        {
            return;
        }

        context.Response.Headers[McpProtocolHeaders.SessionId] = session.Call.SessionId;
        JsonRpcHttp.StartEventStream(context);
        var transport = (StreamableHttpServerTransport)session.ClientTransport;
        CallerScopes.Carry(message, context.User);
        try
        {
            if (!await transport.HandlePostRequestAsync(message, context.Response.Body, context.RequestAborted))
            {
                context.Response.Headers.ContentType = (string?)null;
                context.Response.StatusCode = StatusCodes.Status202Accepted;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            if (requestId.Id is not null)
            {
                session.AbandonRequest(requestId);
            }
        }
    }

    public async Task GetAsync(HttpContext context, string server)
    {
        if (!TryFindServer(server, out var upstream))
        {
            await RejectUnknownServerAsync(context, server);
            return;
        }

        if (!McpProtocolHeaders.AcceptsEventStream(context.Request))
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status406NotAcceptable, McpErrorCode.InvalidRequest,
                "Not Acceptable: the client must accept text/event-stream.");
            return;
        }

        if (await FindSessionAsync(context, upstream, context.Request.Headers[McpProtocolHeaders.SessionId].ToString(), default) is not { } session ||
            await scopes.RefuseAsync(context, upstream.Name, sessionId: session.Call.SessionId))
        {
            return;
        }

        session.Listen();
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.Headers[McpProtocolHeaders.SessionId] = session.Call.SessionId;
        try
        {
            if (context.Request.Headers[McpProtocolHeaders.LastEventId].ToString() is { Length: > 0 } lastEventId)
            {
                await ResumeAsync(context, session, lastEventId, stream.Token);
                return;
            }

            JsonRpcHttp.StartEventStream(context);
            await ((StreamableHttpServerTransport)session.ClientTransport).HandleGetRequestAsync(context.Response.Body, stream.Token);
        }
        catch (InvalidOperationException) when (!context.Response.HasStarted)
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status409Conflict, McpErrorCode.InvalidRequest,
                "This session already has an open GET stream; a session has at most one.");
        }
        catch (OperationCanceledException) when (stream.IsCancellationRequested)
        {
            // How a client ends an event stream: it goes away.
        }
    }

    private async Task ResumeAsync(HttpContext context, RelaySession session, string lastEventId, CancellationToken cancellationToken)
    {
        var reader = resumableStreams.Store is { } store ? await store.GetStreamReaderAsync(lastEventId, cancellationToken) : null;
        if (reader is null || reader.SessionId != session.Call.SessionId)
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                "The Last-Event-ID names no event of this session that can still be replayed.");
            return;
        }

        JsonRpcHttp.StartEventStream(context);
        await ResumableStreams.ReplayAsync(reader, context.Response.Body, cancellationToken);
    }

    public async Task DeleteAsync(HttpContext context, string server)
    {
        if (!TryFindServer(server, out var upstream))
        {
            await RejectUnknownServerAsync(context, server);
            return;
        }

        if (await FindSessionAsync(context, upstream, context.Request.Headers[McpProtocolHeaders.SessionId].ToString(), default) is { } session)
        {
            // The session stops taking messages at once; its upstream process may take a few seconds to stop,
            // which the client need not wait for.
            _ = session.DisposeAsync().AsTask();
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
    }

    private async Task<RelaySession?> OpenSessionAsync(HttpContext context, UpstreamServerConfig upstream, JsonRpcMessage message, RequestId requestId)
    {
        if (message is not JsonRpcRequest { Method: RequestMethods.Initialize })
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                "There is no session yet: the first message must be an initialize request.", requestId);
            return null;
        }

        if (access.GrantFor(upstream.Name, context.User) is null)
        {
            await RejectUngrantedAsync(context, upstream.Name, requestId);
            return null;
        }

        var sessionId = RelaySessionRegistry.NewSessionId();
        var transport = new StreamableHttpServerTransport(loggerFactory) { SessionId = sessionId, EventStreamStore = resumableStreams.Store };
        try
        {
            return await sessions.OpenAsync(upstream, sessionId, context.User, transport, context.RequestAborted);
        }
        catch (Accounts.UpstreamAccountRequiredException ex)
        {
            // An answer, not a failure of HTTP: clients show a JSON-RPC error's text, and the text carries the link to connect;
            // a client that takes URL elicitations is also handed the link to open for the person.
            await transport.DisposeAsync();
            var refusal = accounts.WithLink(context.Request, ex);
            var elicitation = Accounts.ConnectElicitation.For(message, refusal);
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status200OK, elicitation is null ? McpErrorCode.InvalidRequest : McpErrorCode.UrlElicitationRequired,
                refusal.Message, requestId, elicitation);
        }
        catch (SessionLimitReachedException ex)
        {
            await transport.DisposeAsync();
            await JsonRpcHttp.WriteErrorAsync(context, ex.PerIdentity ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable,
                McpErrorCode.InternalError, ex.Message, requestId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            await transport.DisposeAsync();
            LogUpstreamStartFailed(ex, upstream.Name);
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status502BadGateway, McpErrorCode.InternalError,
                $"Gatehouse could not start upstream server '{upstream.Name}': {ex.Message}", requestId);
        }

        return null;
    }

    private async Task<RelaySession?> FindSessionAsync(HttpContext context, UpstreamServerConfig upstream, string sessionId, RequestId requestId)
    {
        if (string.IsNullOrEmpty(sessionId))
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status400BadRequest, McpErrorCode.InvalidRequest,
                $"This request needs the {McpProtocolHeaders.SessionId} header of an open session.", requestId);
            return null;
        }

        // A session of another server is "not found" here, never a hint that the id exists elsewhere.
        if (!sessions.TryGet(sessionId, out var session) ||
            session.Call.Server != upstream.Name)
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status404NotFound, (McpErrorCode)(-32001), "Session not found.", requestId);
            return null;
        }

        if (session.ClientTransport is not StreamableHttpServerTransport)
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status404NotFound, (McpErrorCode)(-32001), "Session not found.", requestId);
            return null;
        }

        // A session id is usable only by the identity that opened it, and only while it holds the same grant
        // (a token whose claims no longer match loses the session with the grant) and at least the scopes the session
        // was opened with, by which its calls are judged (a token given fewer scopes loses the session too).
        if (session.Call.Identity != JsonRpcHttp.CallerOf(context) ||
            access.GrantFor(upstream.Name, context.User) is not { } grant || grant != access.GrantFor(upstream.Name, session.Call.User) ||
            !CallerScopes.Covers(context.User, session.Call.User))
        {
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status403Forbidden, McpErrorCode.InvalidRequest,
                "This session belongs to another identity.", requestId);
            return null;
        }

        return session;
    }

    private bool TryFindServer(string name, out UpstreamServerConfig upstream) =>
        config.McpServers.TryGetValue(name, out upstream!) && !upstream.Disabled;

    private static Task RejectUngrantedAsync(HttpContext context, string server, RequestId requestId) =>
        JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status403Forbidden, McpErrorCode.InvalidRequest,
            $"Identity '{JsonRpcHttp.CallerOf(context)}' holds no grant on server '{server}'.", requestId);

    private static Task RejectUnknownServerAsync(HttpContext context, string server) =>
        JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status404NotFound, McpErrorCode.InvalidRequest,
            $"Gatehouse has no server named '{server}'.");

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start upstream server '{Server}'.")]
    private partial void LogUpstreamStartFailed(Exception ex, string server);
}
