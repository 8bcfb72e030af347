using Gatehouse.TestServer;

await using var server = await TestServerHost.StartAsync(args, quiet: false, CancellationToken.None);
Console.WriteLine($"Gatehouse test MCP server listening on {server.McpUrl}");
await server.WaitForShutdownAsync();
