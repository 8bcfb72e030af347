using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gatehouse.TestServer;

/// <summary>
/// The tools the conformance suite calls by name (their names, arguments and texts are the suite's),
/// plus a few general ones the end-to-end tests drive through the gateway.
/// </summary>
[McpServerToolType]
public static class TestTools
{
    [McpServerTool(Name = "test_simple_text", ReadOnly = true), Description("Returns a fixed text content.")]
    public static string SimpleText() => "This is a simple text response for testing.";

    [McpServerTool(Name = "test_image_content", ReadOnly = true), Description("Returns a 1x1 PNG image content.")]
    public static ImageContentBlock ImageContent() => ImageContentBlock.FromBytes(TestMedia.Png, "image/png");

    [McpServerTool(Name = "test_audio_content", ReadOnly = true), Description("Returns a tiny WAV audio content.")]
    public static AudioContentBlock AudioContent() => AudioContentBlock.FromBytes(TestMedia.Wav, "audio/wav");

    [McpServerTool(Name = "test_embedded_resource", ReadOnly = true), Description("Returns an embedded text resource.")]
    public static EmbeddedResourceBlock EmbeddedResource() => new()
    {
        Resource = new TextResourceContents
        {
            Uri = "test://embedded-resource",
            MimeType = "text/plain",
            Text = "This is an embedded resource content.",
        },
    };

    [McpServerTool(Name = "test_multiple_content_types", ReadOnly = true), Description("Returns text, image and embedded resource contents together.")]
    public static ContentBlock[] MultipleContentTypes() =>
    [
        new TextContentBlock { Text = "Multiple content types test:" },
        ImageContentBlock.FromBytes(TestMedia.Png, "image/png"),
        new EmbeddedResourceBlock
        {
            Resource = new TextResourceContents
            {
                Uri = "test://mixed-content-resource",
                MimeType = "application/json",
                Text = """{"test":"data","value":123}""",
            },
        },
    ];

    [McpServerTool(Name = "test_tool_with_logging", ReadOnly = true), Description("Sends three info log notifications, 50 ms apart, while it runs.")]
    public static async Task<string> ToolWithLogging(McpServer server, CancellationToken cancellationToken)
    {
        // The client logger honours the level the client set with logging/setLevel.
        var logger = server.AsClientLoggerProvider().CreateLogger("test_tool_with_logging");
        logger.LogInformation("Tool execution started");
        await Task.Delay(50, cancellationToken);
        logger.LogInformation("Tool processing data");
        await Task.Delay(50, cancellationToken);
        logger.LogInformation("Tool execution completed");
        return "Tool with logging executed successfully";
    }

    [McpServerTool(Name = "test_tool_with_progress", ReadOnly = true), Description("Reports progress 0, 50 and 100 of 100, 50 ms apart, when the call carries a progress token.")]
    public static async Task<string> ToolWithProgress(McpServer server, RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var token = context.Params?.ProgressToken;
        foreach (var progress in new[] { 0, 50, 100 })
        {
            if (progress > 0)
            {
                await Task.Delay(50, cancellationToken);
            }
            if (token is { } t)
            {
                // Awaited, unlike IProgress.Report, so every notification precedes the result.
                await server.NotifyProgressAsync(t, new ProgressNotificationValue { Progress = progress, Total = 100 }, cancellationToken: cancellationToken);
            }
        }
        return token is { } used ? $"Progress reported on token {used}" : "No progress token provided";
    }

    [McpServerTool(Name = "test_error_handling", ReadOnly = true), Description("Always fails with isError: true.")]
    public static CallToolResult ErrorHandling() => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = "This tool intentionally returns an error for testing" }],
    };

    [McpServerTool(Name = "test_sampling"), Description("Asks the client to sample an LLM message (sampling/createMessage) for the prompt and returns its text.")]
    public static async Task<string> Sampling(
        McpServer server,
        [Description("The prompt to send to the LLM")] string prompt,
        CancellationToken cancellationToken)
    {
        var result = await server.SampleAsync(new CreateMessageRequestParams
        {
            Messages = [new SamplingMessage { Role = Role.User, Content = [new TextContentBlock { Text = prompt }] }],
            MaxTokens = 100,
        }, cancellationToken);
        var text = result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text ?? "(no text content)";
        return $"LLM response: {text}";
    }

    [McpServerTool(Name = "test_elicitation"), Description("Asks the client for a username and email (elicitation/create) and returns the answer.")]
    public static async Task<string> Elicitation(
        McpServer server,
        [Description("The message to show the user")] string message,
        CancellationToken cancellationToken)
    {
        var result = await server.ElicitAsync(new ElicitRequestParams
        {
            Message = message,
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties =
                {
                    ["username"] = new ElicitRequestParams.StringSchema { Description = "User's response" },
                    ["email"] = new ElicitRequestParams.StringSchema { Description = "User's email address" },
                },
                Required = ["username", "email"],
            },
        }, cancellationToken);
        return $"User response: {DescribeElicitation(result)}";
    }

    [McpServerTool(Name = "test_elicitation_sep1034_defaults"), Description("Elicits a form whose string, integer, number, enum and boolean fields all carry defaults (SEP-1034).")]
    public static async Task<string> ElicitationWithDefaults(McpServer server, CancellationToken cancellationToken)
    {
        var result = await server.ElicitAsync(new ElicitRequestParams
        {
            Message = "Please review the defaults",
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties =
                {
                    ["name"] = new ElicitRequestParams.StringSchema { Description = "Name", Default = "John Doe" },
                    ["age"] = new ElicitRequestParams.NumberSchema { Type = "integer", Description = "Age", Default = 30 },
                    ["score"] = new ElicitRequestParams.NumberSchema { Description = "Score", Default = 95.5 },
                    ["status"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema
                    {
                        Description = "Status",
                        Enum = ["active", "inactive", "pending"],
                        Default = "active",
                    },
                    ["verified"] = new ElicitRequestParams.BooleanSchema { Description = "Verified", Default = true },
                },
            },
        }, cancellationToken);
        return $"Elicitation completed: {DescribeElicitation(result)}";
    }

    [McpServerTool(Name = "test_elicitation_sep1330_enums"), Description("Elicits a form with every enum variant: untitled, titled, legacy enumNames, untitled and titled multi-select (SEP-1330).")]
    public static async Task<string> ElicitationWithEnums(McpServer server, CancellationToken cancellationToken)
    {
        var result = await server.ElicitAsync(new ElicitRequestParams
        {
            Message = "Please pick options",
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties =
                {
                    ["untitledSingle"] = new ElicitRequestParams.UntitledSingleSelectEnumSchema
                    {
                        Enum = ["option1", "option2", "option3"],
                    },
                    ["titledSingle"] = new ElicitRequestParams.TitledSingleSelectEnumSchema
                    {
                        OneOf =
                        [
                            new() { Const = "value1", Title = "First Option" },
                            new() { Const = "value2", Title = "Second Option" },
                            new() { Const = "value3", Title = "Third Option" },
                        ],
                    },
#pragma warning disable MCP9001 // The suite checks that the deprecated enumNames form still goes through.
                    ["legacyEnum"] = new ElicitRequestParams.LegacyTitledEnumSchema
                    {
                        Enum = ["opt1", "opt2", "opt3"],
                        EnumNames = ["Option One", "Option Two", "Option Three"],
                    },
#pragma warning restore MCP9001
                    ["untitledMulti"] = new ElicitRequestParams.UntitledMultiSelectEnumSchema
                    {
                        Items = new ElicitRequestParams.UntitledEnumItemsSchema { Enum = ["option1", "option2", "option3"] },
                    },
                    ["titledMulti"] = new ElicitRequestParams.TitledMultiSelectEnumSchema
                    {
                        Items = new ElicitRequestParams.TitledEnumItemsSchema
                        {
                            AnyOf =
                            [
                                new() { Const = "value1", Title = "First Choice" },
                                new() { Const = "value2", Title = "Second Choice" },
                                new() { Const = "value3", Title = "Third Choice" },
                            ],
                        },
                    },
                },
            },
        }, cancellationToken);
        return $"Elicitation completed: {DescribeElicitation(result)}";
    }

    [McpServerTool(Name = "test_reconnection", ReadOnly = true), Description("Closes its SSE response stream before answering, so the client must resume with Last-Event-ID (SEP-1699).")]
    public static async Task<string> Reconnection(
        RequestContext<CallToolRequestParams> context,
        IHttpContextAccessor httpContextAccessor,
        CancellationToken cancellationToken)
    {
        var httpContext = httpContextAccessor.HttpContext ?? throw new InvalidOperationException("test_reconnection needs the HTTP request it was called on.");
        var responseEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        httpContext.Response.OnCompleted(() =>
        {
            responseEnded.TrySetResult();
            return Task.CompletedTask;
        });
        await context.EnablePollingAsync(TimeSpan.FromMilliseconds(500), cancellationToken);
        // EnablePollingAsync only asks for the response to end. Answering before it has ended would put
        // the answer on the open stream, leaving nothing to resume; answering later than needed would let
        // a quick reconnect find the stream empty.
        await responseEnded.Task.WaitAsync(cancellationToken);
        return "Reconnection test completed successfully";
    }

    [McpServerTool(Name = "test_request_headers", ReadOnly = true), Description("Returns the names of the HTTP headers of the request that carried this call, one a line.")]
    public static string RequestHeaders(IHttpContextAccessor httpContextAccessor) =>
        string.Join("\n", (httpContextAccessor.HttpContext?.Request.Headers.Keys ?? []).Order(StringComparer.OrdinalIgnoreCase));

    [McpServerTool(Name = "echo", ReadOnly = true, Idempotent = true), Description("Returns the message unchanged.")]
    public static string Echo([Description("Text to return")] string message) => message;

    [McpServerTool(Name = "test_slow_operation", ReadOnly = true), Description("Waits the given time before answering; a notifications/cancelled for the call ends it early.")]
    public static async Task<string> SlowOperation(
        [Description("How long to wait, in milliseconds")] int durationMs,
        CancellationToken cancellationToken)
    {
        await Task.Delay(durationMs, cancellationToken);
        return $"Waited {durationMs} ms";
    }

    [McpServerTool(Name = "test_notify_resource_updated"), Description("Sends notifications/resources/updated for the URI to this session, if it subscribed to it.")]
    public static async Task<string> NotifyResourceUpdated(
        McpServer server,
        ResourceSubscriptions subscriptions,
        [Description("The resource URI that changed")] string uri,
        CancellationToken cancellationToken)
    {
        if (server.SessionId is not { } sessionId || !subscriptions.IsSubscribed(sessionId, uri))
        {
            return $"Not subscribed to {uri}; no notification sent";
        }
        await server.SendNotificationAsync(
            NotificationMethods.ResourceUpdatedNotification,
            new ResourceUpdatedNotificationParams { Uri = uri },
            cancellationToken: cancellationToken);
        return $"Sent notifications/resources/updated for {uri}";
    }

    /// <summary>
    /// The json-schema-2020-12 scenario checks that <c>$schema</c>, <c>$defs</c> and
    /// <c>additionalProperties</c> survive; a schema generated from a C# signature has none of them.
    /// </summary>
    public static McpServerTool CreateJsonSchema202012Tool()
    {
        var tool = McpServerTool.Create(
            (string? name) => $"JSON Schema 2020-12 tool called for {name ?? "nobody"}",
            new McpServerToolCreateOptions { Name = "json_schema_2020_12_tool", Description = "Tool with JSON Schema 2020-12 features", ReadOnly = true });
        tool.ProtocolTool.InputSchema = JsonElement.Parse("""
            {
              "$schema": "https://json-schema.org/draft/2020-12/schema",
              "type": "object",
              "$defs": {
                "address": {
                  "type": "object",
                  "properties": { "street": { "type": "string" }, "city": { "type": "string" } }
                }
              },
              "properties": {
                "name": { "type": "string" },
                "address": { "$ref": "#/$defs/address" }
              },
              "additionalProperties": false
            }
            """);
        return tool;
    }

    private static string DescribeElicitation(ElicitResult result) =>
        $"action={result.Action}, content={JsonSerializer.Serialize(result.Content, McpJsonUtilities.DefaultOptions)}";
}
