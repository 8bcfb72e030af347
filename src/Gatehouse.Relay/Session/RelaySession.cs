using System.Security.Claims;
using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>
/// One client session paired with its own upstream session: messages pass between the two unchanged,
/// except that requests that act or read, and list results, go through the <see cref="IDecisionPoint"/>.
/// </summary>
/// <remarks>
/// <para>
/// Made of parts with one job each: the <see cref="ClientPump"/> reads the client and hands each request to the
/// <see cref="CallPath"/> (decide → audit → forward); the <see cref="UpstreamPump"/> reads the upstream and routes
/// what it sends; the <see cref="PendingRequests"/> hold what waits; the <see cref="UpstreamSupervisor"/> keeps the
/// upstream session (and restarts it), on which <see cref="UpstreamRequests"/> carries Gatehouse's own requests; the
/// <see cref="ClientConnection"/> sends to the client.
/// </para>
/// <para>
/// Request ids are never rewritten: each client has an upstream session of its own, so ids cannot
/// collide, and the upstream sees exactly what the client sent.
/// </para>
/// </remarks>
public sealed class RelaySession : IAsyncDisposable, ISupervisedSession
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SessionActivity _activity;
    private readonly PendingRequests _pending;
    private readonly ClientConnection _client;
    private readonly UpstreamSupervisor _upstream;
    private readonly UpstreamRequests _ownRequests;
    private readonly CallPath _calls;
    private readonly ClientPump _clientPump;
    private readonly UpstreamPump _upstreamPump;
    private Task _clientReader = Task.CompletedTask;
    private int _closed;

    private RelaySession(string sessionId, ClaimsPrincipal? user, UpstreamServerConfig server, ITransport client, IUpstreamConnector connector,
        IDecisionPoint decisions, CallRecorder recorder, TimeProvider time, ILogger logger)
    {
        var lifetime = _lifetime.Token;
        _activity = new SessionActivity(time);
        _pending = new PendingRequests(recorder, time);
        _client = new ClientConnection(client, server.Name, sessionId, _pending, logger, lifetime);
        _upstream = new UpstreamSupervisor(server, sessionId, connector, _client, this, time, logger, lifetime);
        _ownRequests = new UpstreamRequests(server, _upstream, lifetime);
        Call = new RelayCall(server.Name, sessionId, user, new UpstreamTools(_ownRequests.SendAsync, time), _client);
        _calls = new CallPath(server, Call, _pending, _client, _upstream, decisions, recorder, time, logger, lifetime);
        _clientPump = new ClientPump(server, Call, _pending, _client, _upstream, _calls, recorder, _activity, logger, lifetime);
        _upstreamPump = new UpstreamPump(Call, _pending, _client, _upstream, _ownRequests, decisions, recorder, _activity, logger, lifetime);
    }

    /// <summary>Who this session belongs to.</summary>
    public RelayCall Call { get; }

    /// <summary>The transport facing the client.</summary>
    public ITransport ClientTransport => _client.Transport;

    /// <summary>Completes when the session has closed, for whatever reason.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Whether the session is closing or closed: it takes no more messages.</summary>
    public bool IsClosing => Volatile.Read(ref _closed) == 1;

    /// <summary>Whether the session's upstream was lost and is being started again.</summary>
    public bool IsRestarting => _upstream.IsRestarting;

    /// <summary>How many client requests are waiting for the upstream.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>When a message last passed in either direction.</summary>
    public DateTimeOffset LastActivity => _activity.Last;

    /// <summary>Connects the upstream and starts relaying between it and <paramref name="client"/>.</summary>
    /// <exception cref="Exception">The upstream could not be started or reached.</exception>
    public static async Task<RelaySession> StartAsync(string sessionId, ClaimsPrincipal? user, UpstreamServerConfig server, ITransport client,
        IUpstreamConnector connector, IDecisionPoint decisions, CallRecorder recorder, TimeProvider time, ILogger logger,
        CancellationToken cancellationToken)
    {
        var upstream = await connector.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        var session = new RelaySession(sessionId, user, server, client, connector, decisions, recorder, time, logger);
        session._upstream.Start(upstream);
        session._clientReader = Task.Run(session.ReadClientAsync);
        return session;
    }

    /// <summary>
    /// The client can now take messages the server sends of its own accord (it opened its GET stream, or its transport
    /// always carries them): the upstream's stream for them opens too, once the upstream session is initialized.
    /// </summary>
    public void Listen() => _upstream.Listen();

    /// <summary>The client stopped waiting for <paramref name="id"/> without saying so (its HTTP request ended).</summary>
    public void AbandonRequest(RequestId id) => _calls.Abandon(id, "The client disconnected.");

    /// <summary>Ends the session: fails what is in flight, stops the upstream, and closes the client transport.</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            await _completion.Task.ConfigureAwait(false);
            return;
        }

        await _lifetime.CancelAsync().ConfigureAwait(false);
        await _calls.FailAllAsync().ConfigureAwait(false);
        await _upstream.CloseAsync().ConfigureAwait(false);
        await _upstream.DisposeQuietlyAsync(_client.Transport).ConfigureAwait(false);
        _completion.TrySetResult();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await Task.WhenAll([_clientReader, .. _upstream.Readers]).ConfigureAwait(false);
        _lifetime.Dispose();
    }

    private async Task ReadClientAsync()
    {
        await _clientPump.RunAsync().ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
    }

    Task ISupervisedSession.ReadAsync(ITransport upstream) => _upstreamPump.RunAsync(upstream);

    async Task ISupervisedSession.UpstreamLostAsync()
    {
        await _calls.FailSentAsync().ConfigureAwait(false);
        _ownRequests.FailAll();
    }
}
