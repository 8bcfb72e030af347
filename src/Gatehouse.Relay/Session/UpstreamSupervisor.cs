using Gatehouse.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Session;

/// <summary>What an <see cref="UpstreamSupervisor"/> needs of the session it keeps an upstream for.</summary>
internal interface ISupervisedSession
{
    /// <summary>Reads and relays the messages of <paramref name="upstream"/> until it ends.</summary>
    Task ReadAsync(ITransport upstream);

    /// <summary>The upstream session was lost: what was sent on it, the client's requests and Gatehouse's own, will never be answered.</summary>
    Task UpstreamLostAsync();

    /// <summary>The upstream could not be restarted: the session ends.</summary>
    Task CloseAsync();
}

/// <summary>
/// Keeps one client session's upstream session: reads each of its streams, restarts it with back-off when it is lost
/// (replaying the client's handshake, so the client's session lives on), and opens its stream for messages it sends of
/// its own accord.
/// </summary>
internal sealed partial class UpstreamSupervisor
{
    private static readonly TimeSpan[] s_restartBackoff =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    private readonly UpstreamServerConfig _server;
    private readonly string _sessionId;
    private readonly IUpstreamConnector _connector;
    private readonly ClientConnection _client;
    private readonly ISupervisedSession _session;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationToken _lifetime;
    private readonly UpstreamListener _listener;
    private readonly List<Task> _readers = [];
    private volatile ITransport? _current;
    private int _restarting;

    public UpstreamSupervisor(UpstreamServerConfig server, string sessionId, IUpstreamConnector connector, ClientConnection client,
        ISupervisedSession session, TimeProvider time, ILogger logger, CancellationToken lifetime)
    {
        _server = server;
        _sessionId = sessionId;
        _connector = connector;
        _client = client;
        _session = session;
        _time = time;
        _logger = logger;
        _lifetime = lifetime;
        _listener = new UpstreamListener(server, connector, () => _current);
    }

    /// <summary>The upstream session now; null while it restarts or once the session closed.</summary>
    public ITransport? Current => _current;

    /// <summary>Whether the upstream was lost and is being started again (backing off between attempts).</summary>
    public bool IsRestarting => Volatile.Read(ref _restarting) == 1;

    /// <summary>Every stream read so far, for the session to wait for when it is disposed.</summary>
    public Task[] Readers
    {
        get
        {
            lock (_readers)
            {
                return [.. _readers];
            }
        }
    }

    /// <summary>Starts reading <paramref name="upstream"/>, the session's first upstream session.</summary>
    public void Start(ITransport upstream)
    {
        _current = upstream;
        Read(upstream);
    }

    /// <summary>
    /// The client can now take messages the server sends of its own accord: the upstream's stream for them opens too,
    /// once the upstream session is initialized.
    /// </summary>
    public void Listen()
    {
        _listener.Want();
        _ = ListenOnAsync(_current);
    }

    /// <summary>The upstream answered the client's <c>initialize</c>, agreeing on <paramref name="protocolVersion"/>.</summary>
    public void Initialized(string? protocolVersion)
    {
        _listener.Initialized(protocolVersion);
        _ = ListenOnAsync(_current);
    }

    public async Task SendQuietlyAsync(JsonRpcMessage message)
    {
        if (_current is not { } upstream)
        {
            return;
        }

        try
        {
            await upstream.SendMessageAsync(message, _lifetime).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_lifetime.IsCancellationRequested)
        {
            LogSendFailed(ex, _server.Name, (message as JsonRpcNotification)?.Method ?? message.GetType().Name);
        }
    }

    /// <summary>Stops the upstream session and its stream; the session is closing.</summary>
    public async Task CloseAsync()
    {
        await StopListeningQuietlyAsync().ConfigureAwait(false);
        if (_current is { } upstream)
        {
            _current = null;
            await DisposeQuietlyAsync(upstream).ConfigureAwait(false);
        }
    }

    public async Task DisposeQuietlyAsync(IAsyncDisposable disposable)
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

    private void Read(ITransport upstream)
    {
        lock (_readers)
        {
            _readers.Add(Task.Run(() => ReadToEndAsync(upstream)));
        }
    }

    private async Task ReadToEndAsync(ITransport upstream)
    {
        await _session.ReadAsync(upstream).ConfigureAwait(false);
        if (_lifetime.IsCancellationRequested)
        {
            return;
        }

        // The GET stream's transport ends of itself only when the server answers it 404, the session gone (a restart,
        // its idle timeout): the session is lost as surely as when its own transport ends, and with no request in
        // flight nothing else would tell.
        var lost = _listener.SessionOf(upstream) ?? upstream;

        // Claimed once: the session's transport and its GET stream may both see the loss.
        if (Interlocked.CompareExchange(ref _current, null, lost) == lost)
        {
            await OnLostAsync(lost).ConfigureAwait(false);
        }
    }

    private async Task ListenOnAsync(ITransport? upstream)
    {
        if (upstream is null || _lifetime.IsCancellationRequested)
        {
            return;
        }

        try
        {
            if (await _listener.OpenAsync(upstream, _lifetime).ConfigureAwait(false) is not { } stream)
            {
                return;
            }

            Read(stream);
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
            LogListenFailed(ex, _server.Name, _sessionId);
        }
    }

    /// <summary>Restarts the upstream session <paramref name="lost"/>; the caller took it out of <see cref="Current"/>.</summary>
    private async Task OnLostAsync(ITransport lost)
    {
        LogUpstreamLost(_server.Name, _sessionId);
        Volatile.Write(ref _restarting, 1);
        try
        {
            await RestartAsync(lost).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _restarting, 0);
        }
    }

    private async Task RestartAsync(ITransport lost)
    {
        await _session.UpstreamLostAsync().ConfigureAwait(false);

        await DisposeQuietlyAsync(lost).ConfigureAwait(false);
        await StopListeningQuietlyAsync().ConfigureAwait(false);

        for (var attempt = 0; attempt < s_restartBackoff.Length && !_lifetime.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(s_restartBackoff[attempt], _time, _lifetime).ConfigureAwait(false);
                var fresh = await ReconnectAsync().ConfigureAwait(false);
                _current = fresh;
                if (_lifetime.IsCancellationRequested)
                {
                    // The session closed while the new process started: nobody else will stop it.
                    _current = null;
                    await DisposeQuietlyAsync(fresh).ConfigureAwait(false);
                    return;
                }

                Read(fresh);
                LogUpstreamRestarted(_server.Name, _sessionId, attempt + 1);
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

        await _session.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a new upstream session and replays the client's handshake on it, so the client's session
    /// lives on; what the crashed process held in memory is gone, as with any restart.
    /// </summary>
    private async Task<ITransport> ReconnectAsync()
    {
        var fresh = await _connector.ConnectAsync(_server, _lifetime).ConfigureAwait(false);
        try
        {
            if (_client.Initialize is { } initialize)
            {
                var replay = new JsonRpcRequest
                {
                    Id = new RequestId($"gatehouse-reinitialize-{Guid.NewGuid():N}"),
                    Method = initialize.Method,
                    Params = initialize.Params?.DeepClone(),
                };
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime);
                timeout.CancelAfter(CallTimeouts.Of(_server, RequestMethods.Initialize));
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

                if (_client.Initialized is { } initialized)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not open the GET stream of server '{Server}' for session {SessionId}; messages it sends of its own accord will not reach the client.")]
    private partial void LogListenFailed(Exception ex, string server, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending '{Method}' to upstream server '{Server}' failed.")]
    private partial void LogSendFailed(Exception ex, string server, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream server '{Server}' of session {SessionId} closed; restarting it.")]
    private partial void LogUpstreamLost(string server, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream server '{Server}' of session {SessionId} restarted (attempt {Attempt}).")]
    private partial void LogUpstreamRestarted(string server, string sessionId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Restarting upstream server '{Server}' failed (attempt {Attempt}).")]
    private partial void LogUpstreamRestartFailed(Exception ex, string server, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closing a transport of server '{Server}' failed.")]
    private partial void LogDisposeFailed(Exception ex, string server);
}
