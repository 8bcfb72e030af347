using System.Threading.Channels;
using Gatehouse.Configuration;
using Gatehouse.Relay;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The upstream's GET stream follows the session's current upstream transport: one asked for on a session lost
/// meanwhile is never opened, and never takes the place of the fresh session's.
/// </summary>
public sealed class UpstreamListenerTests
{
    private static readonly UpstreamServerConfig s_server = new() { Name = "test", Kind = UpstreamKind.Http, Url = new Uri("http://127.0.0.1:1/mcp") };

    [Fact]
    public async Task A_stream_asked_for_on_a_session_lost_meanwhile_is_not_opened_and_the_fresh_sessions_stream_stays_the_one_closed()
    {
        var lost = new FakeTransport("lost");
        var fresh = new FakeTransport("fresh");
        ITransport? current = lost;
        var connector = new FakeConnector();
        var listener = new UpstreamListener(s_server, connector, () => current);
        listener.Want();
        listener.Initialized("2025-06-18");
        var lostStream = await listener.OpenAsync(lost, CancellationToken.None);
        Assert.NotNull(lostStream);

        // The upstream is lost and restarted, as RelaySession does it: out of current, the listener stopped, the fresh one in.
        current = null;
        await listener.StopAsync();
        current = fresh;
        var freshStream = await listener.OpenAsync(fresh, CancellationToken.None);
        Assert.NotNull(freshStream);

        // A Listen() that read the lost session just before the loss, arriving late.
        Assert.Null(await listener.OpenAsync(lost, CancellationToken.None));

        Assert.Equal(["lost", "fresh"], connector.Opened);
        Assert.Same(fresh, listener.SessionOf(freshStream));
        await listener.StopAsync();
        Assert.True(((FakeTransport)freshStream).Disposed);
    }

    private sealed class FakeConnector : IUpstreamConnector
    {
        public List<string> Opened { get; } = [];

        public Task<ITransport> ConnectAsync(UpstreamServerConfig server, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<ITransport?> ListenAsync(UpstreamServerConfig server, ITransport session, string? protocolVersion, CancellationToken cancellationToken)
        {
            Opened.Add(session.SessionId!);
            return Task.FromResult<ITransport?>(new FakeTransport(session.SessionId));
        }
    }

    private sealed class FakeTransport(string? sessionId) : ITransport
    {
        private readonly Channel<JsonRpcMessage> _messages = Channel.CreateUnbounded<JsonRpcMessage>();

        public bool Disposed { get; private set; }

        public string? SessionId => sessionId;

        public ChannelReader<JsonRpcMessage> MessageReader => _messages.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            _messages.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }
}
