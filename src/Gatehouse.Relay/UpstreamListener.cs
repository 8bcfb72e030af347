using Gatehouse.Configuration;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>
/// The upstream's stream for messages it sends of its own accord (a Streamable HTTP server's GET stream), open only
/// while the client can take such messages and the upstream session is initialized. An agent's idle session then holds
/// no connection to the server (about 20 KiB of the gateway's memory each), and the server sees the streams it would
/// see with the client connected directly.
/// </summary>
/// <param name="server">The upstream server.</param>
/// <param name="connector">Opens the stream.</param>
/// <param name="current">The session's upstream transport now (null while it restarts or once it closed).</param>
internal sealed class UpstreamListener(UpstreamServerConfig server, IUpstreamConnector connector, Func<ITransport?> current)
{
    private readonly Lock _gate = new();
    private bool _wanted;
    private bool _initialized;
    private string? _protocolVersion;
    private ITransport? _session;
    private ITransport? _stream;

    /// <summary>The client opened its stream for such messages (or its transport always carries them).</summary>
    public void Want()
    {
        lock (_gate)
        {
            _wanted = true;
        }
    }

    /// <summary>The upstream answered <c>initialize</c> with <paramref name="protocolVersion"/>; its GET stream may open.</summary>
    public void Initialized(string? protocolVersion)
    {
        lock (_gate)
        {
            _initialized = true;
            _protocolVersion = protocolVersion;
        }
    }

    /// <summary>
    /// Opens the stream of <paramref name="session"/> when it is wanted, initialized, still the current session and not
    /// yet open; returns it for the caller to read, or <see langword="null"/> when there is nothing new to read.
    /// </summary>
    public async Task<ITransport?> OpenAsync(ITransport session, CancellationToken cancellationToken)
    {
        string? protocolVersion;
        lock (_gate)
        {
            // Asked for on a session lost meanwhile (the caller read it just before the loss), it would stand for the
            // session after it: a stream to a dead session, and the fresh session's stream never closed. The loss
            // takes the session out of current before it stops this listener, so checked here it cannot slip between.
            if (!_wanted || !_initialized || ReferenceEquals(_session, session) || !ReferenceEquals(current(), session))
            {
                return null;
            }

            _session = session;
            protocolVersion = _protocolVersion;
        }

        var stream = await connector.ListenAsync(server, session, protocolVersion, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (ReferenceEquals(_session, session))
            {
                _stream = stream;
                return stream;
            }
        }

        // Stopped (the session was lost or closed) while the stream opened.
        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        return null;
    }

    /// <summary>
    /// The session whose stream <paramref name="stream"/> is, while it is the open one; <see langword="null"/> once it
    /// was stopped or replaced.
    /// </summary>
    public ITransport? SessionOf(ITransport stream)
    {
        lock (_gate)
        {
            return ReferenceEquals(_stream, stream) ? _session : null;
        }
    }

    /// <summary>Closes the stream, if open; the next <see cref="OpenAsync"/> opens one for the session it names.</summary>
    public async Task StopAsync()
    {
        ITransport? stream;
        lock (_gate)
        {
            stream = _stream;
            _stream = null;
            _session = null;
        }

        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
