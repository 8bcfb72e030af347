using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gatehouse.Configuration;
using Gatehouse.Relay.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// Takes the requests of MCP's session-less revision (2026-07-28) at <c>/mcp/{server}</c>, beside the sessions of the
/// revisions opened with initialize: the envelope and routing headers checked, the version agreed, the method known, a
/// task reached only by its creator; then each request takes the <see cref="ModernCallPath"/>.
/// </summary>
internal sealed class ModernRelay(ModernUpstreams upstreams, RelaySessionRegistry sessions, TaskOwners tasks, IDecisionPoint decisions,
    CallRecorder recorder, Accounts.IUpstreamAccounts accounts, TimeProvider time, ILoggerFactory loggerFactory)
{
    /// <summary>The methods of this revision the relay knows; removed ones (initialize, ping, logging/setLevel, resources/subscribe) are not among them.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(
        [RequestMethods.ToolsCall, RequestMethods.ResourcesRead, RequestMethods.PromptsGet, RequestMethods.CompletionComplete,
            .. RelayMethods.Lists, ModernProtocol.Discover, ModernProtocol.Listen, .. ModernProtocol.TaskMethods], StringComparer.Ordinal);

    // Logging is deprecated by this revision, yet a request that asks for a log level still gets its messages.
    private const string LogMessage = "notifications/message";

    private readonly MultiRoundLedger _rounds = new(time);
    private readonly TaskOwners _tasks = tasks;
    private readonly ILogger _logger = loggerFactory.CreateLogger<ModernCallPath>();

    /// <summary>Answers one request of this revision to <paramref name="server"/>, from a caller holding <paramref name="grant"/>.</summary>
    public async Task HandleAsync(HttpContext context, UpstreamServerConfig server, string grant, JsonRpcMessage message)
    {
        var door = new RelayCall(server.Name, "", context.User);
        var upstream = upstreams.For(server, grant, door.Identity);

        // A version no revision Gatehouse knows names is refused as such, whatever the body says.
        if (McpProtocolHeaders.RequestedVersion(context) is { } named && !ModernProtocol.SupportedVersions.Contains(named))
        {
            await RefuseUnsupportedAsync(context, door, upstream, message, named).ConfigureAwait(false);
            return;
        }

        if (ModernEnvelope.Check(context.Request, message) is { } refusal)
        {
            await RefuseAsync(context, door, message, refusal).ConfigureAwait(false);
            return;
        }

        var request = (JsonRpcRequest)message;
        IReadOnlyList<string> versions;
        try
        {
            versions = await upstream.SupportedVersionsAsync().ConfigureAwait(false);
        }
        catch (Accounts.UpstreamAccountRequiredException ex)
        {
            // The person must connect (again) before the server answers them at all: the text carries the link.
            await RefuseAsync(context, door, request, new ModernRefusal(StatusCodes.Status200OK, McpErrorCode.InvalidRequest,
                accounts.RefusalText(context.Request, ex))).ConfigureAwait(false);
            return;
        }

        if (!versions.Contains(ModernProtocol.Version))
        {
            // The upstream does not speak this revision: the versions offered are those opened with initialize, and
            // the client falls back to a session, as the revision describes.
            await RefuseUnsupportedAsync(context, door, upstream, message, ModernProtocol.Version).ConfigureAwait(false);
            return;
        }

        if (request.Method == RequestMethods.ToolsCall && await ParamHeadersRefusalAsync(context, upstream, request).ConfigureAwait(false) is { } paramRefusal)
        {
            await RefuseAsync(context, door, request, paramRefusal).ConfigureAwait(false);
            return;
        }

        if (!Known.Contains(request.Method) && !server.AllowUnknownMethods)
        {
            await RefuseAsync(context, door, request, new ModernRefusal(StatusCodes.Status404NotFound, McpErrorCode.MethodNotFound,
                $"Method not found: Gatehouse does not relay '{request.Method}' under MCP {ModernProtocol.Version}.")).ConfigureAwait(false);
            return;
        }

        if (request.Method == "tasks/list")
        {
            // Even where unknown methods are let through: a task list would name other callers' tasks.
            await RefuseAsync(context, door, request, new ModernRefusal(StatusCodes.Status404NotFound, McpErrorCode.MethodNotFound,
                "Method not found: tasks/list is removed by the tasks extension, and Gatehouse never relays it.")).ConfigureAwait(false);
            return;
        }

        // Any request that names a task (tasks/get, update, cancel, or another method let through) reaches only its creator's.
        if ((ModernProtocol.TaskMethods.Contains(request.Method) || TaskOwners.TaskIdOf(request.Params) is not null) &&
            !(TaskOwners.TaskIdOf(request.Params) is { } taskId && _tasks.Owns(server.Name, door.Identity, grant, taskId)))
        {
            // The same answer as for a task that does not exist: another's task is not even confirmed to be there.
            await RefuseAsync(context, door, request, new ModernRefusal(StatusCodes.Status200OK, McpErrorCode.InvalidParams,
                "Invalid params: no task with this taskId was created by this caller.")).ConfigureAwait(false);
            return;
        }

        IDisposable slot;
        try
        {
            slot = sessions.HoldSlot(server, door.Identity);
        }
        catch (SessionLimitReachedException ex)
        {
            await RefuseAsync(context, door, request, new ModernRefusal(
                ex.PerIdentity ? StatusCodes.Status429TooManyRequests : StatusCodes.Status503ServiceUnavailable, McpErrorCode.InternalError, ex.Message))
                .ConfigureAwait(false);
            return;
        }

        using (slot)
        {
            await RelayAsync(context, server, grant, door, upstream, request).ConfigureAwait(false);
        }
    }

    private async Task RelayAsync(HttpContext context, UpstreamServerConfig server, string grant, RelayCall door, ModernServer upstream, JsonRpcRequest request)
    {
        var response = new ModernResponse(context, request);
        var round = _rounds.Take(door, grant, request);
        var call = new RelayCall(server.Name, "", context.User, upstream.Tools, response)
        {
            IsContinuation = round is not null,
            ContinuesApproved = round?.Approved == true,
        };
        var path = new ModernCallPath(server, upstream, grant, decisions, recorder, _rounds, _tasks, time, _logger, accounts, context.Request);
        var cancellation = context.RequestAborted;
        try
        {
            if (request.Method == ModernProtocol.Listen)
            {
                if (!FollowsOnlyOwnTasks(server.Name, door.Identity, grant, request))
                {
                    await response.AnswerAsync(JsonRpcReplies.Error(request.Id, McpErrorCode.InvalidParams,
                        "Invalid params: no task with one of these taskIds was created by this caller.")).ConfigureAwait(false);
                    return;
                }

                if (await SubscriptionsAllowedAsync(path, call, request, response, cancellation).ConfigureAwait(false) is { } allowedUris)
                {
                    await path.ForwardAsync(call, request, null, response,
                        n => Keeps(n, allowedUris) && OwnTask(server.Name, door.Identity, grant, n), cancellation).ConfigureAwait(false);
                }

                return;
            }

            var (allowed, record) = await path.DecideAsync(call, request, response, cancellation).ConfigureAwait(false);
            if (allowed)
            {
                await path.ForwardAsync(call, request, record, response, IsAbout(request), cancellation).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client closed the request's stream: under this revision, its way of cancelling.
        }
    }

    /// <summary>
    /// Decides each resource a <c>subscriptions/listen</c> asks to follow, as <c>resources/subscribe</c> would be: the URIs a
    /// stream may then tell of, or null when one was refused (the refusal is the answer).
    /// </summary>
    private static async Task<HashSet<string>?> SubscriptionsAllowedAsync(ModernCallPath path, RelayCall call, JsonRpcRequest request,
        ModernResponse response, CancellationToken cancellationToken)
    {
        var uris = new HashSet<string>(StringComparer.Ordinal);
        var filter = (request.Params as JsonObject)?["notifications"] as JsonObject;
        if (filter?["resourceSubscriptions"] is { } subscriptions && subscriptions is not JsonArray)
        {
            await response.AnswerAsync(JsonRpcReplies.Error(request.Id, McpErrorCode.InvalidParams,
                "Invalid params: notifications.resourceSubscriptions must be an array of resource URIs.")).ConfigureAwait(false);
            return null;
        }

        var asked = filter?["resourceSubscriptions"] as JsonArray ?? [];
        foreach (var node in asked)
        {
            var uri = node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            var subscribe = new JsonRpcRequest
            {
                Id = request.Id,
                Method = RequestMethods.ResourcesSubscribe,
                Params = new JsonObject { ["uri"] = uri, ["_meta"] = ModernProtocol.MetaOf(request.Params)?.DeepClone() },
            };
            var (allowed, _) = await path.DecideAsync(call, subscribe, response, cancellationToken).ConfigureAwait(false);
            if (!allowed)
            {
                return null;
            }

            uris.Add(uri ?? "");
        }

        return uris;
    }

    private bool FollowsOnlyOwnTasks(string server, string? identity, string grant, JsonRpcRequest listen) =>
        ((listen.Params as JsonObject)?["notifications"] as JsonObject)?["taskIds"] is not { } taskIds ||
        (taskIds is JsonArray ids && ids.All(id => id is JsonValue value && value.TryGetValue<string>(out var taskId) && _tasks.Owns(server, identity, grant, taskId)));

    // A notification about a task (its state, its result) reaches only the task's creator.
    private bool OwnTask(string server, string? identity, string grant, JsonRpcNotification notification) =>
        TaskOwners.TaskIdOf(notification.Params) is not { } taskId || _tasks.Owns(server, identity, grant, taskId);

    // A listen stream carries list changes and updates of the resources decided above; nothing about another's requests.
    private static bool Keeps(JsonRpcNotification notification, HashSet<string> uris) => notification.Method switch
    {
        NotificationMethods.ResourceUpdatedNotification =>
            (notification.Params as JsonObject)?["uri"] is JsonValue uri && uri.TryGetValue<string>(out var text) && uris.Contains(text),
        NotificationMethods.ProgressNotification or LogMessage => false,
        _ => true,
    };

    // A request's own stream carries what the revision lets it: its progress and its log messages.
    private static Func<JsonRpcNotification, bool> IsAbout(JsonRpcRequest request) => notification =>
        notification.Method is NotificationMethods.ProgressNotification or LogMessage;

    /// <summary>The refusal of a call whose <c>Mcp-Param-*</c> headers disagree with its arguments, by the tool's schema as the upstream lists it.</summary>
    private static async Task<ModernRefusal?> ParamHeadersRefusalAsync(HttpContext context, ModernServer upstream, JsonRpcRequest request)
    {
        if (ModernEnvelope.NameOf(request) is not { } name)
        {
            return null;
        }

        IReadOnlyDictionary<string, JsonObject> tools;
        try
        {
            tools = await upstream.Tools.GetCurrentAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Fail closed: a later listing may succeed for the decision, and the headers would then go unchecked.
            return new ModernRefusal(StatusCodes.Status503ServiceUnavailable, McpErrorCode.InternalError,
                $"The server's tools could not be listed to check this call's headers, so it was refused: {ex.Message}");
        }

        return tools.TryGetValue(name, out var tool) ? ParamHeaders.Check(context.Request.Headers, tool, request) : null;
    }

    private async Task RefuseUnsupportedAsync(HttpContext context, RelayCall door, ModernServer upstream, JsonRpcMessage message, string requested)
    {
        IReadOnlyList<string> supported;
        try
        {
            supported = await upstream.SupportedVersionsAsync().ConfigureAwait(false);
        }
        catch (Accounts.UpstreamAccountRequiredException)
        {
            // A version no revision names is refused as such; the person is told to connect when they ask in one that is.
            supported = [.. McpProtocolHeaders.RelayedVersions.OrderDescending(StringComparer.Ordinal)];
        }

        await RefuseAsync(context, door, message, new ModernRefusal(StatusCodes.Status400BadRequest, ModernProtocol.UnsupportedProtocolVersion,
            $"Unsupported protocol version '{requested}': this server speaks {string.Join(", ", supported)} through Gatehouse.",
            new JsonObject
            {
                ["supported"] = new JsonArray([.. supported.Select(v => (JsonNode)v)]),
                ["requested"] = requested,
            })).ConfigureAwait(false);
    }

    private Task RefuseAsync(HttpContext context, RelayCall door, JsonRpcMessage message, ModernRefusal refusal)
    {
        var request = message as JsonRpcRequest;
        if (request is not null)
        {
            recorder.RecordRefusal(door, request, "request", refusal.Message);
        }

        return JsonRpcHttp.WriteErrorAsync(context, refusal.Status, refusal.Code, refusal.Message, request?.Id ?? default, refusal.Data);
    }
}
