using System.Collections.Concurrent;
using System.Text.Json;
using Gatehouse.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// npm's reference MCP server over stdio, behind the gateway, driven by the C# SDK's client: everything the
/// protocol offers reaches the right peer unchanged.
/// </summary>
public sealed class EverythingServerTests : IAsyncLifetime
{
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("everything", Upstreams.Everything())));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Initialize_passes_the_upstreams_identity_and_capabilities_through()
    {
        await using var client = await _gateway.ConnectAsync("everything");

        Assert.Equal("mcp-servers/everything", client.ServerInfo!.Name);
        Assert.NotNull(client.ServerCapabilities.Tools);
        Assert.NotNull(client.ServerCapabilities.Resources);
        Assert.NotNull(client.ServerCapabilities.Prompts);
        Assert.NotNull(client.ServerInstructions);
    }

    [Fact]
    public async Task Tools_are_listed_and_called()
    {
        await using var client = await _gateway.ConnectAsync("everything");

        var tools = await client.ListToolsAsync();
        Assert.Contains(tools, t => t.Name == "echo");
        Assert.Contains(tools, t => t.Name == "get-sum");

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "through the gate" });
        Assert.Contains("through the gate", Text(echo));

        var sum = await client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 });
        Assert.Contains("42", Text(sum));
    }

    [Fact]
    public async Task Resources_and_templates_are_listed_and_read()
    {
        await using var client = await _gateway.ConnectAsync("everything");

        var resources = await client.ListResourcesAsync();
        Assert.NotEmpty(resources);
        var templates = await client.ListResourceTemplatesAsync();
        Assert.NotEmpty(templates);

        var read = await client.ReadResourceAsync(resources[0].Uri);
        Assert.NotEmpty(read.Contents);
        Assert.Equal(resources[0].Uri, read.Contents[0].Uri);
    }

    [Fact]
    public async Task Prompts_are_listed_and_fetched()
    {
        await using var client = await _gateway.ConnectAsync("everything");

        var prompts = await client.ListPromptsAsync();
        var simple = Assert.Single(prompts, p => p.Name == "simple-prompt");
        var result = await simple.GetAsync();
        Assert.NotEmpty(result.Messages);
    }

    [Fact]
    public async Task Progress_notifications_reach_the_caller()
    {
        await using var client = await _gateway.ConnectAsync("everything");
        var updates = new ConcurrentQueue<ProgressNotificationValue>();

        var result = await client.CallToolAsync("trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 3, ["steps"] = 3 },
            new Progress<ProgressNotificationValue>(updates.Enqueue));

        Assert.Contains("completed", Text(result));
        // The SDK's client stops listening for a call's progress once its result is in, so the last
        // update, sent right before the result, may race it on the client's side; the earlier ones come a
        // second or more before it.
        await WaitUntilAsync(() => updates.Count >= 2);
        Assert.Subset(new HashSet<float> { 1f, 2f, 3f }, updates.Select(u => u.Progress).ToHashSet());
        Assert.Contains(1f, updates.Select(u => u.Progress));
    }

    [Fact]
    public async Task Sampling_requests_from_the_server_reach_the_client_and_its_answer_returns()
    {
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (request, _, _) => ValueTask.FromResult(new CreateMessageResult
                {
                    Model = "test-model",
                    Role = Role.Assistant,
                    Content = [new TextContentBlock { Text = "sampled: " + ((TextContentBlock)request!.Messages[0].Content[0]).Text }],
                }),
            },
        };
        await using var client = await _gateway.ConnectAsync("everything", options);

        var result = await client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "hello", ["maxTokens"] = 10 });

        Assert.Contains("sampled: ", Text(result));
        Assert.Contains("hello", Text(result));
    }

    [Fact]
    public async Task Elicitation_requests_from_the_server_reach_the_client_and_its_answer_returns()
    {
        var options = new McpClientOptions
        {
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement> { ["name"] = JsonSerializer.SerializeToElement("Ada Lovelace") },
                }),
            },
        };
        await using var client = await _gateway.ConnectAsync("everything", options);

        var result = await client.CallToolAsync("trigger-elicitation-request");

        Assert.Contains("Ada Lovelace", Text(result));
    }

    [Fact]
    public async Task Resource_subscriptions_deliver_updates_to_the_subscriber()
    {
        await using var client = await _gateway.ConnectAsync("everything");
        var updated = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ResourceUpdatedNotification, (notification, _) =>
        {
            updated.TrySetResult(notification.Params!["uri"]!.GetValue<string>());
            return ValueTask.CompletedTask;
        });
        var uri = (await client.ListResourcesAsync())[0].Uri;

        await client.SubscribeToResourceAsync(uri);
        await client.CallToolAsync("toggle-subscriber-updates");

        Assert.Equal(uri, await updated.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Cancelling_a_call_ends_it_for_the_client_and_the_session_goes_on()
    {
        await using var client = await _gateway.ConnectAsync("everything");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CallToolAsync("trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 30, ["steps"] = 3 }, cancellationToken: cancel.Token).AsTask());

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still here" });
        Assert.Contains("still here", Text(echo));
    }

    [Fact]
    public async Task Ping_and_logging_level_pass_through()
    {
        await using var client = await _gateway.ConnectAsync("everything");

        await client.PingAsync();
        await client.SetLoggingLevelAsync(LoggingLevel.Debug);
    }

    internal static string Text(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    internal static async Task WaitUntilAsync(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not come true in time.");
            await Task.Delay(20);
        }
    }
}
