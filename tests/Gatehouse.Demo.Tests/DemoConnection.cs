using System.IO.Pipelines;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Gatehouse.Demo.Tests;

/// <summary>A real SDK client talking to a demo server in this process over a pair of pipes.</summary>
internal sealed class DemoConnection : IAsyncDisposable
{
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);

    private readonly Pipe _clientToServer;
    private readonly Pipe _serverToClient;
    private readonly StreamServerTransport _transport;
    private readonly McpServer _server;
    private readonly Task _serverRun;

    private DemoConnection(Pipe clientToServer, Pipe serverToClient, StreamServerTransport transport, McpServer server, Task serverRun, McpClient client)
    {
        _clientToServer = clientToServer;
        _serverToClient = serverToClient;
        _transport = transport;
        _server = server;
        _serverRun = serverRun;
        Client = client;
    }

    public McpClient Client { get; }

    public static async Task<DemoConnection> OpenAsync(string databasePath)
    {
        var clientToServer = new Pipe();
        var serverToClient = new Pipe();
        var transport = new StreamServerTransport(clientToServer.Reader.AsStream(), serverToClient.Writer.AsStream());
        var server = DemoServer.Create(transport, new DemoServerOptions { DatabasePath = databasePath, TimeProvider = new FixedTimeProvider(Now) });
        var serverRun = server.RunAsync();
        var client = await McpClient.CreateAsync(new StreamClientTransport(clientToServer.Writer.AsStream(), serverToClient.Reader.AsStream()));
        return new DemoConnection(clientToServer, serverToClient, transport, server, serverRun, client);
    }

    public Task<CallToolResult> CallAsync(string tool, string argumentsJson = "{}") =>
        Client.CallToolAsync(new CallToolRequestParams
        {
            Name = tool,
            Arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson),
        }).AsTask();

    /// <summary>Calls a tool that must succeed and returns its JSON reply.</summary>
    public async Task<JsonNode> CallOkAsync(string tool, string argumentsJson = "{}")
    {
        var result = await CallAsync(tool, argumentsJson);
        Assert.True(result.IsError != true, $"{tool} failed: {Text(result)}");
        return JsonNode.Parse(Text(result))!;
    }

    public async Task<JsonNode> ReadJsonAsync(string uri)
    {
        var contents = Assert.IsType<TextResourceContents>(Assert.Single((await Client.ReadResourceAsync(uri)).Contents));
        Assert.Equal("application/json", contents.MimeType);
        return JsonNode.Parse(contents.Text)!;
    }

    public static string Text(CallToolResult result) => Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text;

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await _clientToServer.Writer.CompleteAsync();
        await _serverRun;
        await _server.DisposeAsync();
        await _transport.DisposeAsync();
        await _serverToClient.Reader.CompleteAsync();
    }
}
