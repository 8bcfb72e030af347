using System.Text.Json.Nodes;
using Gatehouse.Testing;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The upstream's GET stream (for messages a server sends of its own accord) opens when the client opens its own, not
/// with the session: an idle session holds no connection to the server, and the server sees what a direct client does.
/// </summary>
public sealed class UpstreamEventStreamTests : TestServerGatewayTests
{
    [Fact]
    public async Task The_upstream_event_stream_opens_with_the_clients_and_carries_the_servers_own_messages()
    {
        using var client = new RawMcpClient(Gateway.McpUrl("test"));
        var sessionId = await client.OpenSessionAsync();

        // A whole round trip after initialize: a stream opened with the session would have been asked for by now.
        var echo = await client.CallAsync(sessionId, """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"round trip"}}}""");
        Assert.Contains("round trip", echo);
        Assert.Equal(0, Upstream.Sessions.EventStreamsRequested);

        using var response = await client.SendAsync(client.Get(sessionId), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await Eventually.UntilAsync(() => Task.FromResult(Upstream.Sessions.EventStreamsRequested == 1), "GET stream opened to the upstream");

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var line = await ReadSentUnaskedAsync(reader, "sent unasked");

        Assert.Contains("notifications/message", line);
        Assert.Equal(1, Upstream.Sessions.EventStreamsRequested);
    }

    [Fact]
    public async Task When_the_upstream_ends_the_session_of_a_listening_client_a_fresh_one_opens_and_its_own_messages_reach_the_client()
    {
        using var client = new RawMcpClient(Gateway.McpUrl("test"));
        var sessionId = await client.OpenSessionAsync();
        using var response = await client.SendAsync(client.Get(sessionId), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await Eventually.UntilAsync(() => Task.FromResult(Upstream.Sessions.EventStreamsRequested == 1), "GET stream opened to the upstream");
        var ended = Assert.Single(Upstream.Sessions.Ids);

        // No request of the client's follows: the gateway learns the session is gone from the GET stream, as a client
        // connected directly would, and the client's own stream stays open across the restart.
        await Upstream.EndSessionsAsync();
        await Eventually.UntilAsync(() => Task.FromResult(Upstream.Sessions.Ids is [var fresh] && fresh != ended), "fresh upstream session");

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var line = await ReadSentUnaskedAsync(reader, "sent after the restart");

        Assert.Contains("notifications/message", line);
    }

    /// <summary>
    /// Has the upstream send <paramref name="data"/> to every session it holds, over and over (the server may take a
    /// GET a moment before it can write to it), until the client's event stream carries it; returns that line.
    /// </summary>
    private async Task<string> ReadSentUnaskedAsync(StreamReader reader, string data)
    {
        using var stop = new CancellationTokenSource(Eventually.DefaultWait);
        var notifying = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Upstream.Sessions.NotifyAllAsync("notifications/message", new JsonObject { ["level"] = "info", ["data"] = data });
                await Task.Delay(100, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        string? line;
        try
        {
            do
            {
                line = await reader.ReadLineAsync(stop.Token);
            }
            while (line is not null && !line.Contains(data, StringComparison.Ordinal));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            line = null;
        }

        await stop.CancelAsync();
        await notifying;
        Assert.True(line is not null, $"The client's event stream did not carry '{data}' within {Eventually.DefaultWait.TotalSeconds:0} s.");
        return line;
    }
}
