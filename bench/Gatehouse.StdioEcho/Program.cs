using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

// A minimal stdio MCP server with one tool, echo(message), answering the message unchanged: the same upstream for
// every target of the load driver's stdio comparison. No host and no logging, so that its own cost is the SDK's
// stdio transport and little else, and a proxy in front of it is what the comparison measures.
var echo = new Tool
{
    Name = "echo",
    Description = "Returns the message unchanged.",
    InputSchema = JsonElement.Parse("""{"type":"object","properties":{"message":{"type":"string"}},"required":["message"]}"""),
};
var options = new McpServerOptions
{
    ServerInfo = new Implementation { Name = "gatehouse-stdio-echo", Version = "1.0.0" },
    Handlers = new McpServerHandlers
    {
        ListToolsHandler = (_, _) => ValueTask.FromResult(new ListToolsResult { Tools = [echo] }),
        CallToolHandler = (request, _) => ValueTask.FromResult(Echo(request.Params!)),
    },
};

await using var transport = new StdioServerTransport(options.ServerInfo.Name);
await using var server = McpServer.Create(transport, options);
await server.RunAsync();

static CallToolResult Echo(CallToolRequestParams call) =>
    call is { Name: "echo", Arguments: { } arguments } && arguments.TryGetValue("message", out var message) && message.ValueKind == JsonValueKind.String
        ? new CallToolResult { Content = [new TextContentBlock { Text = message.GetString()! }] }
        : new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = "echo takes one string argument, message" }] };
