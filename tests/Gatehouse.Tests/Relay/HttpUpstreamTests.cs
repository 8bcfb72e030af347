using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The test server (the C# SDK's, over Streamable HTTP) behind the gateway: an HTTP upstream answers on
/// response streams of its own, so each message must find its way back to the client request it belongs to.
/// </summary>
public sealed class HttpUpstreamTests : TestServerGatewayTests
{
    private const string WatchedResource = "test://watched-resource";

    [Fact]
    public async Task Tools_are_listed_and_called()
    {
        await using var client = await Gateway.ConnectAsync("test");

        Assert.Equal("gatehouse-test-server", client.ServerInfo!.Name);
        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "echo");
        Assert.Contains(tools, t => t.Name == "test_sampling");

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "over HTTP, through the gate" });

        Assert.Equal("over HTTP, through the gate", Text(echo));
    }

    [Fact]
    public async Task A_sampling_request_reaches_the_client_and_its_answer_returns_to_the_tool()
    {
        var prompts = new ConcurrentQueue<string>();
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (request, _, _) =>
                {
                    var prompt = ((TextContentBlock)request!.Messages[0].Content[0]).Text;
                    prompts.Enqueue(prompt);
                    return ValueTask.FromResult(new CreateMessageResult
                    {
                        Model = "test-model",
                        Role = Role.Assistant,
                        Content = [new TextContentBlock { Text = $"sampled '{prompt}'" }],
                    });
                },
            },
        };
        await using var client = await Gateway.ConnectAsync("test", RunningGateway.InSession(options));

        var result = await client.CallToolAsync("test_sampling", new Dictionary<string, object?> { ["prompt"] = "What is a gatehouse?" });

        Assert.Equal("What is a gatehouse?", Assert.Single(prompts));
        Assert.Equal("LLM response: sampled 'What is a gatehouse?'", Text(result));
    }

    [Fact]
    public async Task An_elicitation_request_reaches_the_client_and_its_answer_returns_to_the_tool()
    {
        var messages = new ConcurrentQueue<string>();
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    messages.Enqueue(request!.Message);
                    return ValueTask.FromResult(new ElicitResult
                    {
                        Action = "accept",
                        Content = new Dictionary<string, JsonElement>
                        {
                            ["username"] = JsonSerializer.SerializeToElement("ada"),
                            ["email"] = JsonSerializer.SerializeToElement("ada@example.com"),
                        },
                    });
                },
            },
        };
        await using var client = await Gateway.ConnectAsync("test", RunningGateway.InSession(options));

        var result = await client.CallToolAsync("test_elicitation", new Dictionary<string, object?> { ["message"] = "Who is calling?" });

        Assert.Equal("Who is calling?", Assert.Single(messages));
        Assert.Contains("action=accept", Text(result));
        Assert.Contains("ada@example.com", Text(result));
    }

    [Fact]
    public async Task Every_progress_notification_of_a_call_reaches_the_caller()
    {
        await using var client = await Gateway.ConnectAsync("test");
        var updates = new ConcurrentQueue<(string Token, double Progress)>();
        // A session-wide handler rather than the IProgress of CallToolAsync, which the SDK stops listening on as
        // soon as the result is in: the last update, sent just before the result, could otherwise go unseen.
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ProgressNotification, (notification, _) =>
        {
            updates.Enqueue((notification.Params!["progressToken"]!.ToJsonString(), notification.Params!["progress"]!.GetValue<double>()));
            return ValueTask.CompletedTask;
        });

        var result = await client.CallToolAsync(new CallToolRequestParams
        {
            Name = "test_tool_with_progress",
            Meta = new JsonObject { ["progressToken"] = "progress-1" },
        });

        Assert.Equal("Progress reported on token progress-1", Text(result));
        await WaitUntilAsync(() => updates.Count >= 3);
        Assert.All(updates, u => Assert.Equal("\"progress-1\"", u.Token));
        Assert.Equal([0d, 50d, 100d], updates.Select(u => u.Progress).Order());
    }

    [Fact]
    public async Task Log_messages_sent_during_a_call_reach_the_client()
    {
        await using var client = await Gateway.ConnectAsync("test", RunningGateway.InSession());
        var logged = new ConcurrentQueue<string>();
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.LoggingMessageNotification, (notification, _) =>
        {
            logged.Enqueue(notification.Params!["data"]!.ToJsonString());
            return ValueTask.CompletedTask;
        });
        await client.SetLoggingLevelAsync(LoggingLevel.Info);

        var result = await client.CallToolAsync("test_tool_with_logging");

        Assert.Equal("Tool with logging executed successfully", Text(result));
        await WaitUntilAsync(() => logged.Count >= 3);
        Assert.Equal(3, logged.Count);
        Assert.Contains(logged, l => l.Contains("Tool execution started", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.Contains("Tool processing data", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.Contains("Tool execution completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_subscription_reaches_theUpstream_and_its_update_reaches_the_subscriber()
    {
        await using var client = await Gateway.ConnectAsync("test", RunningGateway.InSession());
        var notify = new Dictionary<string, object?> { ["uri"] = WatchedResource };

        // The upstream notifies only sessions that subscribed, so this shows the subscribe request itself got through.
        Assert.StartsWith("Not subscribed", Text(await client.CallToolAsync("test_notify_resource_updated", notify)));

        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await client.SubscribeToResourceAsync(WatchedResource, (update, _) =>
        {
            updated.TrySetResult(update.Uri);
            return ValueTask.CompletedTask;
        });
        var result = await client.CallToolAsync("test_notify_resource_updated", notify);

        Assert.Equal($"Sent notifications/resources/updated for {WatchedResource}", Text(result));
        Assert.Equal(WatchedResource, await updated.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
