using System.Collections.Concurrent;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// Two clients of the same server at the same time, over an HTTP upstream and a stdio one: what the
/// upstream sends one client's session (notifications, sampling requests) never reaches the other.
/// </summary>
/// <remarks>
/// Both clients act at once in every test, so that a message sent to the wrong client would leave its own
/// client waiting (and the test failing on its guard) rather than depend on a pause to be noticed.
/// </remarks>
public sealed class SessionIsolationTests : IAsyncLifetime
{
    private const string WatchedResource = "test://watched-resource";

    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(
            ("test", Upstreams.Http(_upstream.McpUrl)),
            ("everything", Upstreams.Everything())));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Log_messages_of_a_call_reach_only_the_client_that_made_it()
    {
        await using var pair = await ListenersAsync(NotificationMethods.LoggingMessageNotification);
        var (a, b) = pair;
        await BothAsync(a, b, c => c.SetLoggingLevelAsync(LoggingLevel.Info));

        await BothAsync(a, b, c => c.CallToolAsync("test_tool_with_logging").AsTask());

        // The tool logs three messages; six on one side would be the other client's as well.
        await WaitUntilAsync(() => a.Received.Count >= 3 && b.Received.Count >= 3);
        await BothAsync(a, b, c => c.PingAsync().AsTask());
        Assert.Equal(3, a.Received.Count);
        Assert.Equal(3, b.Received.Count);
    }

    [Fact]
    public async Task A_resource_update_reaches_only_the_session_it_was_sent_to()
    {
        await using var pair = await ListenersAsync(NotificationMethods.ResourceUpdatedNotification);
        var (a, b) = pair;
        await BothAsync(a, b, c => c.SubscribeToResourceAsync(WatchedResource));
        var notify = new Dictionary<string, object?> { ["uri"] = WatchedResource };

        // The test server sends the update to the calling session only: one each, whatever the other does.
        await BothAsync(a, b, c => c.CallToolAsync("test_notify_resource_updated", notify).AsTask());

        await WaitUntilAsync(() => a.Received.Count >= 1 && b.Received.Count >= 1);
        await BothAsync(a, b, c => c.PingAsync().AsTask());
        Assert.Single(a.Received);
        Assert.Single(b.Received);
    }

    [Fact]
    public async Task A_stdio_upstreams_updates_and_logs_reach_only_their_own_client()
    {
        await using var pair = await ListenersAsync(NotificationMethods.ResourceUpdatedNotification, "everything");
        var (a, b) = pair;
        await using var aLogs = new Listener(a.Client, NotificationMethods.LoggingMessageNotification);
        await using var bLogs = new Listener(b.Client, NotificationMethods.LoggingMessageNotification);
        var resources = await a.Client.ListResourcesAsync();
        var (uriA, uriB) = (resources[0].Uri, resources[1].Uri);

        // Each server process acknowledges a subscription with a log message naming the URI, and the toggle
        // sends an update for every URI its session subscribed to right away.
        await BothAsync(a, b, c => c.SetLoggingLevelAsync(LoggingLevel.Debug));
        await Task.WhenAll(a.Client.SubscribeToResourceAsync(uriA), b.Client.SubscribeToResourceAsync(uriB));
        await BothAsync(a, b, c => c.CallToolAsync("toggle-subscriber-updates").AsTask());

        await WaitUntilAsync(() => a.Received.Contains(uriA) && b.Received.Contains(uriB)
            && aLogs.Received.Any(l => l.Contains(uriA, StringComparison.Ordinal))
            && bLogs.Received.Any(l => l.Contains(uriB, StringComparison.Ordinal)));
        await BothAsync(a, b, c => c.PingAsync().AsTask());
        Assert.All(a.Received, uri => Assert.Equal(uriA, uri));
        Assert.All(b.Received, uri => Assert.Equal(uriB, uri));
        Assert.DoesNotContain(aLogs.Received, l => l.Contains(uriB, StringComparison.Ordinal));
        Assert.DoesNotContain(bLogs.Received, l => l.Contains(uriA, StringComparison.Ordinal));

        // The updates' timer keeps a server process alive after its stdin closes, so the session would end only
        // when the process is killed after the shutdown grace period; turned off, it ends at once.
        await BothAsync(a, b, c => c.CallToolAsync("toggle-subscriber-updates").AsTask());
    }

    [Theory]
    [InlineData("test", "test_sampling")]
    [InlineData("everything", "trigger-sampling-request")]
    public async Task Concurrent_sampling_requests_are_each_answered_by_their_own_client(string server, string tool)
    {
        var asked = new[] { NewSignal(), NewSignal() };
        var prompts = new[] { new ConcurrentQueue<string>(), new ConcurrentQueue<string>() };

        McpClientOptions Sampler(int me) => new()
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = async (request, _, cancellationToken) =>
                {
                    prompts[me].Enqueue(((TextContentBlock)request!.Messages[0].Content[0]).Text);
                    asked[me].TrySetResult();
                    // Answer only once both requests are out, so that both are in flight through the gateway together.
                    await Task.WhenAll(asked[0].Task, asked[1].Task).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                    return new CreateMessageResult
                    {
                        Model = "test-model",
                        Role = Role.Assistant,
                        Content = [new TextContentBlock { Text = $"answer of client {me}" }],
                    };
                },
            },
        };

        var clients = await Task.WhenAll(_gateway.ConnectAsync(server, RunningGateway.InSession(Sampler(0))), _gateway.ConnectAsync(server, RunningGateway.InSession(Sampler(1))));
        await using var first = clients[0];
        await using var second = clients[1];
        var results = await Task.WhenAll(
            first.CallToolAsync(tool, new Dictionary<string, object?> { ["prompt"] = "question of client 0" }).AsTask(),
            second.CallToolAsync(tool, new Dictionary<string, object?> { ["prompt"] = "question of client 1" }).AsTask());

        for (var me = 0; me < 2; me++)
        {
            Assert.Contains($"question of client {me}", Assert.Single(prompts[me]));
            Assert.Contains($"answer of client {me}", Text(results[me]));
            Assert.DoesNotContain($"answer of client {1 - me}", Text(results[me]));
        }
    }

    private static Task BothAsync(Listener a, Listener b, Func<McpClient, Task> action) => Task.WhenAll(action(a.Client), action(b.Client));

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Two clients of <paramref name="server"/>, connected at once: a stdio upstream takes a while to start.</summary>
    private async Task<ListenerPair> ListenersAsync(string method, string server = "test")
    {
        var clients = await Task.WhenAll(_gateway.ConnectAsync(server, RunningGateway.InSession()), _gateway.ConnectAsync(server, RunningGateway.InSession()));
        return new ListenerPair(new Listener(clients[0], method, ownsClient: true), new Listener(clients[1], method, ownsClient: true));
    }

    private sealed record ListenerPair(Listener A, Listener B) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }

    /// <summary>A client and what it received of one notification method: the URI of an update, the data of a log message.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly IAsyncDisposable _registration;
        private readonly bool _ownsClient;

        public Listener(McpClient client, string method, bool ownsClient = false)
        {
            Client = client;
            _ownsClient = ownsClient;
            _registration = client.RegisterNotificationHandler(method, (notification, _) =>
            {
                var content = notification.Params?["uri"]?.GetValue<string>() ?? notification.Params?["data"]?.ToJsonString() ?? "";
                Received.Enqueue(content);
                return ValueTask.CompletedTask;
            });
        }

        public McpClient Client { get; }

        public ConcurrentQueue<string> Received { get; } = new();

        public async ValueTask DisposeAsync()
        {
            await _registration.DisposeAsync();
            if (_ownsClient)
            {
                await Client.DisposeAsync();
            }
        }
    }
}
