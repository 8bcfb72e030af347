using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// One client session paired with its own upstream session: messages pass between the two unchanged,
/// except that requests that act or read, and list results, go through the <see cref="IDecisionPoint"/>.
/// </summary>
/// <remarks>
/// Request ids are never rewritten: each client has an upstream session of its own, so ids cannot
/// collide, and the upstream sees exactly what the client sent.
/// </remarks>
public sealed partial class RelaySession : IAsyncDisposable, IClientChannel
{
    private static readonly TimeSpan[] s_restartBackoff =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    private static readonly TimeSpan s_closeSendTimeout = TimeSpan.FromSeconds(2);

    // A process that starts cold (node, a JIT) may need longer to answer initialize than any call should take.
    private static readonly TimeSpan s_minimumStartTimeout = TimeSpan.FromSeconds(60);

    private readonly UpstreamServerConfig _server;
    private readonly ITransport _client;
    private readonly IUpstreamConnector _connector;
    private readonly IDecisionPoint _decisions;
    private readonly CallRecorder _recorder;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly ConcurrentDictionary<RequestId, PendingRequest> _pending = new();
    private readonly ConcurrentDictionary<string, PendingRequest> _byProgressToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>> _ownRequests = new();
    private readonly ConcurrentDictionary<RequestId, TaskCompletionSource<JsonRpcMessage>> _ownClientRequests = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _pumps = [];
    private readonly UpstreamListener _listener;
    private volatile ITransport? _upstream;
    private JsonRpcRequest? _initializeRequest;
    private JsonRpcNotification? _initializedNotification;
    private long _sequence;
    private long _lastActivityTimestamp;
    private int _closed;

    private RelaySession(string sessionId, ClaimsPrincipal? user, UpstreamServerConfig server, ITransport client, IUpstreamConnector connector,
        IDecisionPoint decisions, CallRecorder recorder, TimeProvider time, ILogger logger)
    {
        Call = new RelayCall(server.Name, sessionId, user, new UpstreamTools(RequestUpstreamAsync, time), this);
        _server = server;
        _client = client;
        _connector = connector;
        _decisions = decisions;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _listener = new UpstreamListener(server, connector, () => _upstream);
        Touch();
    }

    /// <summary>Who this session belongs to.</summary>
    public RelayCall Call { get; }

    /// <summary>The transport facing the client.</summary>
    public ITransport ClientTransport => _client;

    /// <summary>Completes when the session has closed, for whatever reason.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Whether the session is closing or closed: it takes no more messages.</summary>
    public bool IsClosing => Volatile.Read(ref _closed) == 1;

    /// <summary>How many client requests are waiting for the upstream.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>When a message last passed in either direction.</summary>
    public DateTimeOffset LastActivity =>
        _time.GetUtcNow() - _time.GetElapsedTime(Interlocked.Read(ref _lastActivityTimestamp));

    /// <summary>Connects the upstream and starts relaying between it and <paramref name="client"/>.</summary>
    /// <exception cref="Exception">The upstream could not be started or reached.</exception>
    public static async Task<RelaySession> StartAsync(string sessionId, ClaimsPrincipal? user, UpstreamServerConfig server, ITransport client,
        IUpstreamConnector connector, IDecisionPoint decisions, CallRecorder recorder, TimeProvider time, ILogger logger,
        CancellationToken cancellationToken)
    {
        var upstream = await connector.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var session = new RelaySession(sessionId, user, server, client, connector, decisions, recorder, time, logger);
        session.Start(upstream);
        return session;
    }

    private void Start(ITransport upstream)
    {
        _upstream = upstream;
        lock (_pumps)
        {
            _pumps.Add(Task.Run(PumpClientAsync));
            _pumps.Add(Task.Run(() => PumpUpstreamAsync(upstream)));
        }
    }

    /// <summary>
    /// The client can now take messages the server sends of its own accord (it opened its GET stream, or its transport
    /// always carries them): the upstream's stream for them opens too, once the upstream session is initialized.
    /// </summary>
    public void Listen()
    {
        _listener.Want();
        _ = ListenOnAsync(_upstream);
    }

    private async Task ListenOnAsync(ITransport? upstream)
    {
        if (upstream is null || _lifetime.IsCancellationRequested)
        {
            return;
        }

        try
        {
            if (await _listener.OpenAsync(upstream, _lifetime.Token).ConfigureAwait(false) is not { } stream)
            {
                return;
            }

            lock (_pumps)
            {
                _pumps.Add(Task.Run(() => PumpUpstreamAsync(stream)));
            }

            if (_lifetime.IsCancellationRequested)
            {
                // Closed while the stream opened: nobody else will stop it.
                await _listener.StopAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogListenFailed(ex, _server.Name, Call.SessionId);
        }
    }

    /// <summary>The client stopped waiting for <paramref name="id"/> without saying so (its HTTP request ended).</summary>
    public void AbandonRequest(RequestId id)
    {
        if (TakePending(id, AuditOutcomes.Cancelled) is not null)
        {
            _ = SendUpstreamQuietlyAsync(JsonRpcReplies.Cancelled(id, "The client disconnected."));
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivityTimestamp, _time.GetTimestamp());

    private async Task PumpClientAsync()
    {
        try
        {
            await foreach (var message in _client.MessageReader.ReadAllAsync(_lifetime.Token).ConfigureAwait(false))
            {
                Touch();
                await TakeClientMessageAsync(message).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogPumpFailed(ex, Call.Server, Call.SessionId, "client");
        }

        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Handles one client message. Whatever the message holds, the worst it can cost is an error reply to itself:
    /// a failure here must never end the session that other requests are using.
    /// </summary>
    private async Task TakeClientMessageAsync(JsonRpcMessage message)
    {
        try
        {
            await OnClientMessageAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_lifetime.IsCancellationRequested)
        {
            LogMessageFailed(ex, Call.Server, Call.SessionId, (message as JsonRpcRequest)?.Method ?? (message as JsonRpcNotification)?.Method ?? "reply");
            if (message is JsonRpcRequest request)
            {
                // Only this request's own entry: another in flight under the same id is not this one's to end.
                var own = _pending.TryGetValue(request.Id, out var pending) && ReferenceEquals(pending.Request, request) ? TakePending(pending, AuditOutcomes.Error) : null;
                var replyTo = own?.ReplyTo ?? request.Context?.RelatedTransport ?? _client;
                await SendClientQuietlyAsync(replyTo, JsonRpcReplies.Error(request.Id, McpErrorCode.InternalError,
                    "Gatehouse could not handle this request, so it was refused.")).ConfigureAwait(false);
            }
        }
    }

    private async Task OnClientMessageAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcRequest request:
                await OnClientRequestAsync(request).ConfigureAwait(false);
                break;

            case JsonRpcNotification notification:
                if (!RelayMethods.ClientNotifications.Contains(notification.Method) && !_server.AllowUnknownMethods)
                {
                    // A notification has no reply to refuse it with; dropped, since a method added to the protocol
                    // later could act past the policy as well as a request could.
                    _recorder.RecordRefusal(Call, notification, "method", "a notification Gatehouse does not know");
                    LogUnknownNotificationDropped(_server.Name, notification.Method);
                    break;
                }

                if (notification.Method == NotificationMethods.CancelledNotification && ReadRequestId(notification.Params) is { } cancelled)
                {
                    TakePending(cancelled, AuditOutcomes.Cancelled);
                }
                else if (notification.Method == NotificationMethods.InitializedNotification)
                {
                    _initializedNotification = notification;
                }

                await SendUpstreamQuietlyAsync(notification).ConfigureAwait(false);
                break;

            case JsonRpcMessageWithId reply when (reply is JsonRpcResponse or JsonRpcError) && _ownClientRequests.TryRemove(reply.Id, out var own):
                own.TrySetResult(reply);
                break;

            default:
                // A reply to a request the upstream sent the client (sampling, elicitation, roots, ping).
                await SendUpstreamQuietlyAsync(message).ConfigureAwait(false);
                break;
        }
    }

    private async Task OnClientRequestAsync(JsonRpcRequest request)
    {
        var replyTo = request.Context?.RelatedTransport ?? _client;

        if (!RelayMethods.IsKnown(request.Method) && !_server.AllowUnknownMethods)
        {
            _recorder.RecordRefusal(Call, request, "method", "a method Gatehouse does not know");
            await SendClientQuietlyAsync(replyTo, JsonRpcReplies.Error(request.Id, McpErrorCode.MethodNotFound,
                $"Gatehouse does not relay the method '{request.Method}' to server '{_server.Name}': it is not a method Gatehouse knows, " +
                "so it could act past the policy. An operator can let unknown methods through with \"allowUnknownMethods\": true.")).ConfigureAwait(false);
            return;
        }

        if (_pending.ContainsKey(request.Id))
        {
            await SendClientQuietlyAsync(replyTo, JsonRpcReplies.Error(request.Id, McpErrorCode.InvalidRequest,
                $"A request with id {request.Id} is already in flight on this session.")).ConfigureAwait(false);
            return;
        }

        if (request.Method == RequestMethods.Initialize)
        {
            _initializeRequest = request;
        }

        var pending = Track(request, replyTo);
        if (!RelayMethods.Decided.Contains(request.Method))
        {
            Forward(pending);
            return;
        }

        pending.Activity = GatehouseTelemetry.StartCall(Call.Server, request);
        var decision = DecideAndRecordAsync(pending);
        if (decision.IsCompletedSuccessfully)
        {
            await ApplyDecisionAsync(pending, decision.Result).ConfigureAwait(false);
        }
        else
        {
            // A decision that waits (for a person, a remote counter, the audit log's commit) must not hold up the
            // session's other messages.
            _ = AwaitDecisionAsync(pending, decision);
        }
    }

    private ValueTask<RequestDecision> DecideAndRecordAsync(PendingRequest pending)
    {
        // Taken now: the source is disposed once the request is answered or cancelled, and its token is still good then.
        var cancellation = pending.Cancellation.Token;
        var decision = _decisions.DecideAsync(Call, pending.Request, cancellation);
        return decision.IsCompletedSuccessfully && decision.Result.Record is null ? decision : RecordAsync(pending, decision, cancellation);
    }

    private async ValueTask<RequestDecision> RecordAsync(PendingRequest pending, ValueTask<RequestDecision> decision, CancellationToken cancellation)
    {
        var decided = await decision.ConfigureAwait(false);
        pending.Decision = decided.Record;
        pending.Activity?.SetTag("gatehouse.decision", decided.Record?.Decision);
        pending.Activity?.SetTag("gatehouse.rule", decided.Record?.Rule);
        pending.Activity?.SetTag("mcp.target", decided.Record?.Target);
        return await _recorder.RecordAsync(pending.Request, decided, cancellation).ConfigureAwait(false);
    }

    private async Task AwaitDecisionAsync(PendingRequest pending, ValueTask<RequestDecision> decision)
    {
        RequestDecision outcome;
        try
        {
            outcome = await decision.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (pending.Cancellation.IsCancellationRequested)
        {
            if (pending.Decision is { } decided)
            {
                // Its decision may be in the log already; the log then also says the call never went upstream.
                _recorder.RecordOutcome(decided, AuditOutcomes.Cancelled, TimeSpan.Zero);
            }

            return;
        }
        catch (Exception ex)
        {
            LogDecisionFailed(ex, Call.Server, pending.Request.Method);
            outcome = RequestDecision.Refuse(JsonRpcReplies.Error(pending.Request.Id, McpErrorCode.InternalError,
                "Gatehouse could not decide this request, so it was refused."));
        }

        await ApplyDecisionAsync(pending, outcome).ConfigureAwait(false);
    }

    private async Task ApplyDecisionAsync(PendingRequest pending, RequestDecision decision)
    {
        if (decision.Reply is { } reply)
        {
            if (TakePending(pending, outcome: null) is { } taken)
            {
                await SendClientQuietlyAsync(taken.ReplyTo, reply).ConfigureAwait(false);
            }

            return;
        }

        // The client may have cancelled, or the call timed out, while the decision was being made.
        if (_pending.TryGetValue(pending.Request.Id, out var current) && ReferenceEquals(current, pending))
        {
            Forward(pending);
        }
        else if (pending.Decision is { } decided)
        {
            // Recorded as allowed, but never sent: the log says so.
            _recorder.RecordOutcome(decided, AuditOutcomes.Cancelled, TimeSpan.Zero);
        }
    }

    private void Forward(PendingRequest pending)
    {
        if (_upstream is not { } upstream)
        {
            _ = FailUnsentAsync(pending, $"Upstream server '{_server.Name}' is restarting; retry the request shortly.");
            return;
        }

        // The client may cancel, or go away, at any moment up to here: whichever comes first wins.
        if (!pending.TryStartForward())
        {
            return;
        }

        pending.ForwardedAt = _time.GetTimestamp();
        pending.Timeout?.Change(TimeoutOf(pending.Request.Method), Timeout.InfiniteTimeSpan);
        Task send;
        try
        {
            send = upstream.SendMessageAsync(pending.Request, _lifetime.Token);
        }
        catch (Exception ex)
        {
            send = Task.FromException(ex);
        }

        // Not awaited: an HTTP upstream's send returns only when the request's response stream ends,
        // and that stream may carry a sampling or elicitation request that needs the client's reply first.
        _ = ObserveSendAsync(pending, send);
    }

    private async Task ObserveSendAsync(PendingRequest pending, Task send)
    {
        try
        {
            await send.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogUpstreamSendFailed(ex, _server.Name, pending.Request.Method);
            await FailAsync(pending, $"Upstream server '{_server.Name}' failed to take the request: {ex.Message}").ConfigureAwait(false);
        }
    }

    private PendingRequest Track(JsonRpcRequest request, ITransport replyTo)
    {
        var pending = new PendingRequest(request, replyTo, Interlocked.Increment(ref _sequence), ReadProgressToken(request.Params),
            CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token));
        _pending[request.Id] = pending;
        if (pending.ProgressToken is { } token)
        {
            _byProgressToken[token] = pending;
        }

        // A decided request's time starts when it goes upstream: a call held for a person's approval waits as
        // long as its rule allows, not as long as the upstream may take.
        var timeout = RelayMethods.Decided.Contains(request.Method) ? Timeout.InfiniteTimeSpan : TimeoutOf(request.Method);
        pending.Timeout = _time.CreateTimer(static state => ((PendingTimeout)state!).Fire(), new PendingTimeout(this, pending),
            timeout, Timeout.InfiniteTimeSpan);
        return pending;
    }

    private PendingRequest? TakePending(RequestId id, string outcome) =>
        _pending.TryGetValue(id, out var pending) ? TakePending(pending, outcome) : null;

    /// <summary>
    /// Removes exactly this pending request (not a later one that reuses its id) and releases what it holds. A
    /// request that went upstream under a recorded decision gets its <paramref name="outcome"/> recorded.
    /// </summary>
    private PendingRequest? TakePending(PendingRequest pending, string? outcome)
    {
        if (!_pending.TryRemove(new KeyValuePair<RequestId, PendingRequest>(pending.Request.Id, pending)))
        {
            return null;
        }

        pending.MarkTaken();

        if (outcome is not null && pending.Decision is { } decision && pending.ForwardedAt is { } forwardedAt)
        {
            _recorder.RecordOutcome(decision, outcome, _time.GetElapsedTime(forwardedAt));
        }

        pending.Activity?.SetTag("gatehouse.outcome", outcome);
        pending.Activity?.Dispose();

        if (pending.ProgressToken is { } token)
        {
            _byProgressToken.TryRemove(new KeyValuePair<string, PendingRequest>(token, pending));
        }

        pending.Timeout?.Dispose();
        pending.Cancellation.Cancel();
        pending.Cancellation.Dispose();
        return pending;
    }

    private async Task FailAsync(PendingRequest pending, string message)
    {
        if (TakePending(pending, AuditOutcomes.Error) is { } taken)
        {
            await SendClientQuietlyAsync(taken.ReplyTo, JsonRpcReplies.Error(taken.Request.Id, McpErrorCode.InternalError, message)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fails a request that never went upstream. One allowed by a recorded decision gets its outcome recorded here,
    /// since <see cref="TakePending(PendingRequest, string?)"/> records outcomes of forwarded requests only: the log must
    /// not leave an allowed call without saying what became of it.
    /// </summary>
    private async Task FailUnsentAsync(PendingRequest pending, string message)
    {
        if (TakePending(pending, outcome: null) is not { } taken)
        {
            return;
        }

        if (taken.Decision is { } decision)
        {
            _recorder.RecordOutcome(decision, AuditOutcomes.Error, TimeSpan.Zero);
        }

        await SendClientQuietlyAsync(taken.ReplyTo, JsonRpcReplies.Error(taken.Request.Id, McpErrorCode.InternalError, message)).ConfigureAwait(false);
    }

    private async Task OnTimeoutAsync(PendingRequest pending)
    {
        if (TakePending(pending, AuditOutcomes.Timeout) is null)
        {
            return;
        }

        var seconds = TimeoutOf(pending.Request.Method).TotalSeconds;
        await SendClientQuietlyAsync(pending.ReplyTo, JsonRpcReplies.Error(pending.Request.Id, McpErrorCode.InternalError,
            $"Upstream server '{_server.Name}' did not answer '{pending.Request.Method}' within {seconds:0.###} s, so Gatehouse gave up on it.")).ConfigureAwait(false);
        await SendUpstreamQuietlyAsync(JsonRpcReplies.Cancelled(pending.Request.Id, "Gatehouse's call timeout elapsed.")).ConfigureAwait(false);
    }

    private TimeSpan TimeoutOf(string method) =>
        method == RequestMethods.Initialize && _server.CallTimeout < s_minimumStartTimeout ? s_minimumStartTimeout : _server.CallTimeout;

    private async Task PumpUpstreamAsync(ITransport upstream)
    {
        try
        {
            await foreach (var message in upstream.MessageReader.ReadAllAsync(_lifetime.Token).ConfigureAwait(false))
            {
                Touch();
                await OnUpstreamMessageAsync(message).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogPumpFailed(ex, Call.Server, Call.SessionId, "upstream");
        }

        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        // The GET stream's transport ends of itself only when the server answers it 404, the session gone (a restart,
        // its idle timeout): the session is lost as surely as when its own transport ends, and with no request in
        // flight nothing else would tell.
        var lost = _listener.SessionOf(upstream) ?? upstream;

        // Claimed once: the session's transport and its GET stream may both see the loss.
        if (Interlocked.CompareExchange(ref _upstream, null, lost) == lost)
        {
            await OnUpstreamLostAsync(lost).ConfigureAwait(false);
        }
    }

    private async Task OnUpstreamMessageAsync(JsonRpcMessage message)
    {
        switch (message)
        {
            case JsonRpcMessageWithId reply when (reply is JsonRpcResponse or JsonRpcError) && _ownRequests.TryRemove(reply.Id, out var own):
                own.TrySetResult(reply);
                break;

            case JsonRpcMessageWithId reply when reply is JsonRpcResponse or JsonRpcError:
                if (TakePending(reply.Id, OutcomeOf(reply)) is not { } pending)
                {
                    LogLateReplyDropped(_server.Name, reply.Id.ToString());
                    return;
                }

                await SendReplyAsync(pending, await FilterAsync(pending, reply).ConfigureAwait(false)).ConfigureAwait(false);
                if (pending.Request.Method == RequestMethods.Initialize && reply is JsonRpcResponse initialized)
                {
                    _listener.Initialized((initialized.Result as JsonObject)?["protocolVersion"] is JsonValue version &&
                        version.TryGetValue<string>(out var negotiated) ? negotiated : null);
                    _ = ListenOnAsync(_upstream);
                }

                break;

            case JsonRpcRequest serverRequest:
                await RelayServerRequestAsync(serverRequest).ConfigureAwait(false);
                break;

            case JsonRpcNotification notification:
                if (notification.Method == NotificationMethods.ToolListChangedNotification)
                {
                    Call.Tools.Invalidate();
                }

                await SendClientQuietlyAsync(RouteFor(notification), notification).ConfigureAwait(false);
                break;
        }
    }

    private async Task<JsonRpcMessage> FilterAsync(PendingRequest pending, JsonRpcMessage reply)
    {
        if (reply is not JsonRpcResponse response || !RelayMethods.Lists.Contains(pending.Request.Method))
        {
            return reply;
        }

        try
        {
            // Inside the try: a listing no reader can read must cost the client this list, not the session.
            if (pending.Request.Method == RequestMethods.ToolsList)
            {
                Call.Tools.Observe(pending.Request, response);
            }

            return await _decisions.FilterListAsync(Call, pending.Request, response, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogDecisionFailed(ex, Call.Server, pending.Request.Method);
            return JsonRpcReplies.Error(response.Id, McpErrorCode.InternalError, "Gatehouse could not filter this list, so it was withheld.");
        }
    }

    /// <summary>
    /// A request of Gatehouse's own on this upstream session (e.g. to learn its tools), answered to Gatehouse and
    /// never seen by the client. Its id cannot be guessed, so no client request can take its reply.
    /// </summary>
    private async Task<JsonNode?> RequestUpstreamAsync(string method, JsonNode? parameters, CancellationToken cancellationToken)
    {
        if (_upstream is not { } upstream)
        {
            throw new UpstreamRestartingException(_server.Name);
        }

        var request = new JsonRpcRequest { Id = new RequestId($"gatehouse-{Guid.NewGuid():N}"), Method = method, Params = parameters };
        var reply = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ownRequests[request.Id] = reply;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
            timeout.CancelAfter(_server.CallTimeout);
            _ = upstream.SendMessageAsync(request, timeout.Token).ContinueWith(
                send => reply.TrySetException(send.Exception!.InnerExceptions), CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return await reply.Task.WaitAsync(timeout.Token).ConfigureAwait(false) switch
            {
                JsonRpcResponse response => response.Result,
                JsonRpcError error => throw new McpException($"Upstream server '{_server.Name}' refused {method}: {error.Error.Message}"),
                _ => null,
            };
        }
        finally
        {
            _ownRequests.TryRemove(request.Id, out _);
        }
    }

    private async Task RelayServerRequestAsync(JsonRpcRequest serverRequest)
    {
        var target = RouteFor(serverRequest);
        try
        {
            await target.SendMessageAsync(serverRequest, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_lifetime.IsCancellationRequested)
        {
            // The upstream waits for an answer; without one it would wait until its own timeout.
            await SendUpstreamQuietlyAsync(JsonRpcReplies.Error(serverRequest.Id, McpErrorCode.InternalError,
                $"Gatehouse could not deliver '{serverRequest.Method}' to the client: {ex.Message}")).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Picks the client stream for a message the upstream sent on its own initiative. Neither stdio nor the
    /// SDK's HTTP client transport says which request such a message belongs to, so a progress notification
    /// follows its token, and anything else the most recent request still waiting, whose response stream is
    /// open; with none waiting it goes on the session's own stream.
    /// </summary>
    private ITransport RouteFor(JsonRpcMessage message)
    {
        if (message is JsonRpcNotification { Method: NotificationMethods.ProgressNotification } progress &&
            ReadProgressToken(progress.Params, nested: false) is { } token &&
            _byProgressToken.TryGetValue(token, out var owner))
        {
            return owner.ReplyTo;
        }

        PendingRequest? latest = null;
        foreach (var pending in _pending.Values)
        {
            if (latest is null || pending.Sequence > latest.Sequence)
            {
                latest = pending;
            }
        }

        return latest?.ReplyTo ?? _client;
    }

    /// <summary>Restarts the upstream session <paramref name="lost"/>; the caller took it out of <see cref="_upstream"/>.</summary>
    private async Task OnUpstreamLostAsync(ITransport lost)
    {
        LogUpstreamLost(_server.Name, Call.SessionId);
        // Only what was sent is lost; a request still being decided (held for a person) goes on waiting.
        foreach (var pending in _pending.Values.Where(p => p.ForwardedAt is not null))
        {
            await FailAsync(pending, $"Upstream server '{_server.Name}' closed while this request was in flight.").ConfigureAwait(false);
        }

        foreach (var own in _ownRequests.Values)
        {
            own.TrySetException(new McpException($"Upstream server '{_server.Name}' closed."));
        }

        await DisposeQuietlyAsync(lost).ConfigureAwait(false);
        await StopListeningQuietlyAsync().ConfigureAwait(false);

        for (var attempt = 0; attempt < s_restartBackoff.Length && !_lifetime.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(s_restartBackoff[attempt], _time, _lifetime.Token).ConfigureAwait(false);
                var fresh = await ReconnectAsync().ConfigureAwait(false);
                _upstream = fresh;
                if (_lifetime.IsCancellationRequested)
                {
                    // The session closed while the new process started: nobody else will stop it.
                    _upstream = null;
                    await DisposeQuietlyAsync(fresh).ConfigureAwait(false);
                    return;
                }

                lock (_pumps)
                {
                    _pumps.Add(Task.Run(() => PumpUpstreamAsync(fresh)));
                }

                LogUpstreamRestarted(_server.Name, Call.SessionId, attempt + 1);
                _ = ListenOnAsync(fresh);
                return;
            }
            catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogUpstreamRestartFailed(ex, _server.Name, attempt + 1);
            }
        }

        await CloseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a new upstream session and replays the client's handshake on it, so the client's session
    /// lives on; what the crashed process held in memory is gone, as with any restart.
    /// </summary>
    private async Task<ITransport> ReconnectAsync()
    {
        var fresh = await _connector.ConnectAsync(_server, _lifetime.Token).ConfigureAwait(false);
        try
        {
            if (_initializeRequest is { } initialize)
            {
                var replay = new JsonRpcRequest
                {
                    Id = new RequestId($"gatehouse-reinitialize-{Guid.NewGuid():N}"),
                    Method = initialize.Method,
                    Params = initialize.Params?.DeepClone(),
                };
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
                timeout.CancelAfter(TimeoutOf(RequestMethods.Initialize));
                _ = fresh.SendMessageAsync(replay, timeout.Token);
                await foreach (var message in fresh.MessageReader.ReadAllAsync(timeout.Token).ConfigureAwait(false))
                {
                    if (message is JsonRpcError error && error.Id == replay.Id)
                    {
                        throw new InvalidOperationException($"The restarted server refused initialize: {error.Error.Message}");
                    }

                    if (message is JsonRpcResponse response && response.Id == replay.Id)
                    {
                        break;
                    }
                }

                if (_initializedNotification is { } initialized)
                {
                    await fresh.SendMessageAsync(initialized, timeout.Token).ConfigureAwait(false);
                }
            }

            return fresh;
        }
        catch
        {
            await DisposeQuietlyAsync(fresh).ConfigureAwait(false);
            throw;
        }
    }

    private async Task SendUpstreamQuietlyAsync(JsonRpcMessage message)
    {
        if (_upstream is not { } upstream)
        {
            return;
        }

        try
        {
            await upstream.SendMessageAsync(message, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_lifetime.IsCancellationRequested)
        {
            LogUpstreamSendFailed(ex, _server.Name, (message as JsonRpcNotification)?.Method ?? message.GetType().Name);
        }
    }

    /// <summary>
    /// Sends the upstream's answer to a client request. An answer that cannot be written (a result holding text that
    /// is not Unicode, say) becomes an error to that request, so the client is never left waiting for it.
    /// </summary>
    private async Task SendReplyAsync(PendingRequest pending, JsonRpcMessage reply)
    {
        if (await TrySendClientAsync(pending.ReplyTo, reply).ConfigureAwait(false) is { } failure && IsUnwritable(failure))
        {
            LogReplyUnsendable(failure, Call.Server, pending.Request.Method);
            await SendClientQuietlyAsync(pending.ReplyTo, JsonRpcReplies.Error(pending.Request.Id, McpErrorCode.InternalError,
                $"Upstream server '{_server.Name}' answered '{pending.Request.Method}' with a message Gatehouse could not relay.")).ConfigureAwait(false);
        }
    }

    private static bool IsUnwritable(Exception ex) =>
        ex is System.Text.Json.JsonException || (ex.InnerException is { } inner && IsUnwritable(inner));

    private Task SendClientQuietlyAsync(ITransport target, JsonRpcMessage message) => TrySendClientAsync(target, message);

    /// <summary>Sends <paramref name="message"/> to the client; returns why it could not be sent, or null.</summary>
    private async Task<Exception?> TrySendClientAsync(ITransport target, JsonRpcMessage message)
    {
        try
        {
            using var timeout = _lifetime.IsCancellationRequested ? new CancellationTokenSource(s_closeSendTimeout) : null;
            await target.SendMessageAsync(message, timeout?.Token ?? _lifetime.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex)
        {
            // The client may have gone (closed its stream, ended the session); nothing else waits for this message.
            LogClientSendFailed(ex, Call.Server, Call.SessionId);
            return ex;
        }
    }

    /// <summary>Ends the session: fails what is in flight, stops the upstream, and closes the client transport.</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        foreach (var pending in _pending.Values)
        {
            if (TakePending(pending, AuditOutcomes.Error) is { } taken)
            {
                await SendClientQuietlyAsync(taken.ReplyTo, JsonRpcReplies.Error(taken.Request.Id, McpErrorCode.InternalError,
                    $"The session with upstream server '{_server.Name}' closed before it answered.")).ConfigureAwait(false);
            }
        }

        await StopListeningQuietlyAsync().ConfigureAwait(false);
        if (_upstream is { } upstream)
        {
            _upstream = null;
            await DisposeQuietlyAsync(upstream).ConfigureAwait(false);
        }

        await DisposeQuietlyAsync(_client).ConfigureAwait(false);
        _completion.TrySetResult();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps).ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private async Task StopListeningQuietlyAsync()
    {
        try
        {
            await _listener.StopAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogDisposeFailed(ex, _server.Name);
        }
    }

    private async Task DisposeQuietlyAsync(IAsyncDisposable disposable)
    {
        try
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogDisposeFailed(ex, _server.Name);
        }
    }

    /// <summary>
    /// Sends the client an <c>elicitation/create</c> of Gatehouse's own, on the stream of <paramref name="request"/>, and
    /// returns the client's result. Its id cannot be guessed, so its reply is taken here and never reaches the upstream.
    /// </summary>
    async Task<JsonNode?> IClientChannel.ElicitAsync(JsonRpcRequest request, JsonObject parameters, CancellationToken cancellationToken)
    {
        if (!_pending.TryGetValue(request.Id, out var pending) || !ReferenceEquals(pending.Request, request))
        {
            throw new InvalidOperationException($"Request {request.Id} is no longer waiting.");
        }

        var id = new RequestId($"gatehouse-{Guid.NewGuid():N}");
        var reply = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ownClientRequests[id] = reply;
        try
        {
            await SendClientQuietlyAsync(pending.ReplyTo, new JsonRpcRequest { Id = id, Method = RequestMethods.ElicitationCreate, Params = parameters })
                .ConfigureAwait(false);
            return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false) switch
            {
                JsonRpcResponse response => response.Result,
                JsonRpcError error => throw new InvalidOperationException($"The client refused the elicitation: {error.Error.Message}"),
                _ => null,
            };
        }
        finally
        {
            _ownClientRequests.TryRemove(id, out _);
        }
    }

    bool IClientChannel.CanElicit =>
        ((_initializeRequest?.Params as JsonObject)?["capabilities"] as JsonObject)?["elicitation"] is not null;

    /// <summary>Tells the client that its request is still being worked on, when it asked for progress.</summary>
    async Task IClientChannel.ReportProgressAsync(JsonRpcRequest request, double progress, string message)
    {
        if (!_pending.TryGetValue(request.Id, out var pending) || !ReferenceEquals(pending.Request, request)
            || ((request.Params as JsonObject)?["_meta"] as JsonObject)?["progressToken"] is not { } token)
        {
            return;
        }

        await SendClientQuietlyAsync(pending.ReplyTo, new JsonRpcNotification
        {
            Method = NotificationMethods.ProgressNotification,
            Params = new JsonObject { ["progressToken"] = token.DeepClone(), ["progress"] = progress, ["message"] = message },
        }).ConfigureAwait(false);
    }

    private static string OutcomeOf(JsonRpcMessage reply) => reply switch
    {
        JsonRpcError => AuditOutcomes.Error,
        JsonRpcResponse { Result: JsonObject result } when result["isError"] is JsonValue isError && isError.TryGetValue(out bool failed) && failed
            => AuditOutcomes.IsError,
        _ => AuditOutcomes.Ok,
    };

    private static RequestId? ReadRequestId(JsonNode? parameters) =>
        (parameters as JsonObject)?["requestId"] is JsonValue value
            ? value.TryGetValue(out long number) ? new RequestId(number)
            : value.TryGetValue(out string? text) ? new RequestId(text) : null
            : null;

    /// <summary>The progress token as JSON text, so string and number tokens never match each other.</summary>
    private static string? ReadProgressToken(JsonNode? parameters, bool nested = true)
    {
        var holder = nested ? (parameters as JsonObject)?["_meta"] as JsonObject : parameters as JsonObject;
        return holder?["progressToken"]?.ToJsonString();
    }

    private sealed class PendingRequest(JsonRpcRequest request, ITransport replyTo, long sequence, string? progressToken, CancellationTokenSource cancellation)
    {
        public JsonRpcRequest Request { get; } = request;

        public ITransport ReplyTo { get; } = replyTo;

        public long Sequence { get; } = sequence;

        public string? ProgressToken { get; } = progressToken;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public ITimer? Timeout { get; set; }

        /// <summary>The audit record of the request's decision, once decided; null when nothing recorded it.</summary>
        public AuditEvent? Decision { get; set; }

        /// <summary>When the request was sent upstream (a <see cref="TimeProvider"/> timestamp); null until then.</summary>
        public long? ForwardedAt { get; set; }

        private int _forwarding;

        /// <summary>Claims the send upstream; false when the request was answered, cancelled or abandoned first.</summary>
        public bool TryStartForward() => Interlocked.CompareExchange(ref _forwarding, 1, 0) == 0;

        /// <summary>The request is done with: a send that has not started yet must not start.</summary>
        public void MarkTaken() => Interlocked.CompareExchange(ref _forwarding, 2, 0);

        /// <summary>The span of a decided request, when someone listens for traces.</summary>
        public System.Diagnostics.Activity? Activity { get; set; }
    }

    private sealed class PendingTimeout(RelaySession session, PendingRequest pending)
    {
        public void Fire() => _ = session.OnTimeoutAsync(pending);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a notification of server '{Server}' that Gatehouse does not know: {Method}")]
    private partial void LogUnknownNotificationDropped(string server, string method);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling a '{Method}' message of server '{Server}' session {SessionId} failed; the session goes on.")]
    private partial void LogMessageFailed(Exception ex, string server, string sessionId, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer of server '{Server}' to '{Method}' could not be relayed; the client got an error instead.")]
    private partial void LogReplyUnsendable(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay {Direction} pump of server '{Server}' session {SessionId} failed.")]
    private partial void LogPumpFailed(Exception ex, string server, string sessionId, string direction);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not open the GET stream of server '{Server}' for session {SessionId}; messages it sends of its own accord will not reach the client.")]
    private partial void LogListenFailed(Exception ex, string server, string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The decision point failed on '{Method}' for server '{Server}'; the request was refused.")]
    private partial void LogDecisionFailed(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending '{Method}' to upstream server '{Server}' failed.")]
    private partial void LogUpstreamSendFailed(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped a reply from '{Server}' to request {Id}, which nobody waits for any more.")]
    private partial void LogLateReplyDropped(string server, string id);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A message for the client of '{Server}' session {SessionId} could not be delivered.")]
    private partial void LogClientSendFailed(Exception ex, string server, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server '{Server}' of session {SessionId} closed; restarting it.")]
    private partial void LogUpstreamLost(string server, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server '{Server}' of session {SessionId} restarted (attempt {Attempt}).")]
    private partial void LogUpstreamRestarted(string server, string sessionId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restarting upstream server '{Server}' failed (attempt {Attempt}).")]
    private partial void LogUpstreamRestartFailed(Exception ex, string server, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing a transport of server '{Server}' failed.")]
    private partial void LogDisposeFailed(Exception ex, string server);
}
