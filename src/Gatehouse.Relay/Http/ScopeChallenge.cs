using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.AspNetCore.Http;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Http;

/// <summary>
/// Step-up at the HTTP front: a request whose token lacks scopes its grant, or the policy rule selecting it, requires is
/// refused on that HTTP request with 403 and <c>WWW-Authenticate: Bearer error="insufficient_scope", scope="..."</c>, so that
/// the client asks the person for those scopes and retries (MCP authorization, "Scope challenge handling"). Recorded in
/// the audit log as <see cref="AuditDecisions.InsufficientScope"/>.
/// </summary>
internal sealed class ScopeChallenge(IScopeCheck scopes, GatehouseConfig config, IAuditLog audit, TimeProvider time)
{
    /// <summary>
    /// Refuses the request when the caller's token lacks scopes for <paramref name="server"/> (and <paramref name="message"/>,
    /// when it is a request); true when it did. <paramref name="sessionId"/> is the caller's own session the request belongs to.
    /// </summary>
    public async Task<bool> RefuseAsync(HttpContext context, string server, JsonRpcMessage? message = null, string? sessionId = null)
    {
        var request = message as JsonRpcRequest;
        if (scopes.Check(server, context.User, request is not null && RelayMethods.Decided.Contains(request.Method) ? request : null) is not { } requirement)
        {
            return false;
        }

        // Not awaited, as other refusals at the door: the request is refused either way.
        audit.Post(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.Decision,
            Identity = JsonRpcHttp.CallerOf(context),
            Server = server,
            Session = sessionId,
            RequestId = request?.Id.ToString(),
            Method = request?.Method ?? $"{context.Request.Method} {context.Request.Path}",
            Target = Target(request),
            Decision = AuditDecisions.InsufficientScope,
            Rule = requirement.Rule,
            Reason = requirement.Reason,
        });
        context.Response.Headers.WWWAuthenticate = requirement.Challenge(ProtectedResourceUrls.Metadata(context, server, config));
        await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status403Forbidden, McpErrorCode.InvalidRequest,
            $"Refused by Gatehouse: {requirement.Reason}. Authorize again asking for scope \"{string.Join(' ', requirement.Needed)}\".",
            request?.Id ?? default);
        return true;
    }

    private static string? Target(JsonRpcRequest? request) =>
        request?.Params is JsonObject parameters && (parameters["name"] ?? parameters["uri"]) is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : null;
}
