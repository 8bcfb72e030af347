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

        // Sent until one arrives: the server may take the GET a moment before it can write to it.
        using var stop = new CancellationTokenSource(Eventually.DefaultWait);
        var notifying = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Upstream.Sessions.NotifyAllAsync("notifications/message", new JsonObject { ["level"] = "info", ["data"] = "sent unasked" });
                await Task.Delay(100, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(stop.Token);
        }
        while (line is not null && !line.Contains("sent unasked", StringComparison.Ordinal));

        await stop.CancelAsync();
        await notifying;
        Assert.NotNull(line);
        Assert.Contains("notifications/message", line);
        Assert.Equal(1, Upstream.Sessions.EventStreamsRequested);
    }
}
