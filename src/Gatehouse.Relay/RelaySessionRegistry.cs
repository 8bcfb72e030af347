using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Gatehouse.Configuration;
using Gatehouse.Relay.Session;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay;

/// <summary>The live relay sessions of every server, each server held to its session cap, and each identity to its share.</summary>
public sealed partial class RelaySessionRegistry(
    IUpstreamConnector connector,
    ISharedUpstreams shared,
    Accounts.IUpstreamAccounts accounts,
    IDecisionPoint decisions,
    CallRecorder recorder,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, RelaySession> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _countByServer = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Server, string? Identity), int> _countByIdentity = [];
    private const int CompactAfterClosed = 64;
    private static readonly TimeSpan s_compactionDelay = TimeSpan.FromSeconds(2);

    private readonly ILogger _logger = loggerFactory.CreateLogger<RelaySessionRegistry>();
    private int _closedSinceCompaction;
    private bool _disposed;

    /// <summary>A new session id: 256 random bits, so that nobody can guess another client's session.</summary>
    public static string NewSessionId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The sessions now open.</summary>
    public IReadOnlyCollection<RelaySession> Sessions => [.. _sessions.Values];

    /// <summary>Finds an open session.</summary>
    public bool TryGet(string sessionId, out RelaySession session) =>
        _sessions.TryGetValue(sessionId, out session!) && !session.IsClosing;

    /// <summary>
    /// Opens a session of <paramref name="server"/> for the client behind <paramref name="clientTransport"/>.
    /// </summary>
    /// <exception cref="SessionLimitReachedException">The server, or the identity on it, already has its maximum of sessions.</exception>
    /// <exception cref="Exception">The upstream could not be started or reached.</exception>
    public async Task<RelaySession> OpenAsync(UpstreamServerConfig server, string sessionId, ClaimsPrincipal? user,
        ITransport clientTransport, CancellationToken cancellationToken)
    {
        var identity = RelayCall.IdentityOf(user);
        ReserveSlot(server, identity);
        RelaySession session;
        try
        {
            session = await RelaySession.StartAsync(sessionId, user, server, clientTransport,
                shared.SessionConnector(server, user) ?? accounts.SessionConnector(server, user) ?? connector, decisions, recorder, time, loggerFactory.CreateLogger<RelaySession>(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ReleaseSlot(server.Name, identity);
            throw;
        }

        _sessions[sessionId] = session;
        LogSessionOpened(server.Name, sessionId);
        _ = session.Completion.ContinueWith(_ => Forget(session), TaskScheduler.Default);
        return session;
    }

    /// <summary>
    /// Holds one of <paramref name="server"/>'s session slots, and one of <paramref name="identity"/>'s there, while a
    /// request of the session-less revision runs: such a request is the whole of its session, so the same caps apply.
    /// </summary>
    /// <exception cref="SessionLimitReachedException">The server, or the identity on it, already has its maximum.</exception>
    internal IDisposable HoldSlot(UpstreamServerConfig server, string? identity)
    {
        ReserveSlot(server, identity);
        return new Slot(this, server.Name, identity);
    }

    /// <summary>Closes the sessions that have been idle longer than their server allows.</summary>
    public async Task ReapIdleAsync(IReadOnlyDictionary<string, UpstreamServerConfig> servers)
    {
        var now = time.GetUtcNow();
        foreach (var session in _sessions.Values)
        {
            if (servers.TryGetValue(session.Call.Server, out var server) &&
                session.PendingCount == 0 &&
                now - session.LastActivity > server.IdleTimeout)
            {
                LogSessionReaped(session.Call.Server, session.Call.SessionId);
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void ReserveSlot(UpstreamServerConfig server, string? identity)
    {
        lock (_countByServer)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _countByServer.TryGetValue(server.Name, out var count);
            if (count >= server.MaxSessions)
            {
                throw new SessionLimitReachedException(server.Name, server.MaxSessions, identity: null);
            }

            _countByIdentity.TryGetValue((server.Name, identity), out var mine);
            if (mine >= server.MaxSessionsPerIdentity)
            {
                throw new SessionLimitReachedException(server.Name, server.MaxSessionsPerIdentity.Value, identity ?? "(unauthenticated)");
            }

            _countByServer[server.Name] = count + 1;
            _countByIdentity[(server.Name, identity)] = mine + 1;
        }
    }

    private void ReleaseSlot(string server, string? identity)
    {
        lock (_countByServer)
        {
            _countByServer[server]--;
            if (--_countByIdentity[(server, identity)] == 0)
            {
                _countByIdentity.Remove((server, identity));
            }
        }
    }

    private void Forget(RelaySession session)
    {
        if (_sessions.TryRemove(new KeyValuePair<string, RelaySession>(session.Call.SessionId, session)))
        {
            ReleaseSlot(session.Call.Server, session.Call.Identity);
            LogSessionClosed(session.Call.Server, session.Call.SessionId);
            if (Interlocked.Increment(ref _closedSinceCompaction) >= CompactAfterClosed && _sessions.IsEmpty)
            {
                _ = CompactWhenIdleAsync();
            }
        }
    }

    /// <summary>
    /// Gives the memory of many closed sessions back to the operating system once none is open. An idle gateway
    /// allocates too little for the runtime to collect by itself, so without this it would keep the high-water mark
    /// of its busiest hour for good (bench/results/memory.md).
    /// </summary>
    private async Task CompactWhenIdleAsync()
    {
        // A client that closes one session to open the next should not pay for a full collection.
        await Task.Delay(s_compactionDelay, time).ConfigureAwait(false);
        if (_sessions.IsEmpty && Interlocked.Exchange(ref _closedSinceCompaction, 0) >= CompactAfterClosed)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    /// <summary>Closes every session, which stops every upstream process.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_countByServer)
        {
            _disposed = true;
        }

        await Task.WhenAll(_sessions.Values.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private sealed class Slot(RelaySessionRegistry registry, string server, string? identity) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                registry.ReleaseSlot(server, identity);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} of server '{Server}' opened.")]
    private partial void LogSessionOpened(string server, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} of server '{Server}' closed.")]
    private partial void LogSessionClosed(string server, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} of server '{Server}' was idle too long and is closed.")]
    private partial void LogSessionReaped(string server, string sessionId);
}

/// <summary>A server, or one identity on it, already has as many sessions as its configuration allows.</summary>
public sealed class SessionLimitReachedException(string server, int limit, string? identity)
    : Exception(identity is null
        ? $"Server '{server}' already has its maximum of {limit} sessions (a session-less request counts as one while it runs); close one or raise \"maxSessions\"."
        : $"Identity '{identity}' already has its maximum of {limit} sessions on server '{server}' (a session-less request counts as one while it runs); close one or raise \"maxSessionsPerIdentity\".")
{
    /// <summary>Whether the cap reached is the identity's own, not the server's.</summary>
    public bool PerIdentity { get; } = identity is not null;
}
