using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Audit;

/// <summary>
/// The SQLite store's disk fills up: calls are refused (their decisions cannot be recorded), <c>/readyz</c> says the
/// store is down and why, and once space is freed the same gateway records and serves again by itself.
/// </summary>
/// <remarks>The data folder is a small tmpfs of the test's own, mounted as root (as CI and the developers' machines run).</remarks>
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private string _mount = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _mount = Directory.CreateDirectory(_directory.File("data")).FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", _mount);
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            sections: new JsonObject { ["dataDir"] = _mount });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        await RunAsync("umount", "-l", _mount);
        _directory.Dispose();
    }

    [Fact]
    public async Task A_full_disk_refuses_calls_and_says_so_then_recovers_when_space_is_freed()
    {
        await using var client = await _gateway.ConnectAsync("test");
        Assert.NotEqual(true, (await EchoAsync(client)).IsError);

        var filler = Path.Combine(_mount, "filler");
        Fill(filler);

        // Space left in pages SQLite already holds may take a few more records; keep calling until one is refused.
        var refused = await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: true } result ? result : null, "call refused for the full disk");
        var decision = refused.Meta!["gatehouse/decision"]!;
        Assert.Equal(("unavailable", "audit"), (decision["decision"]!.GetValue<string>(), decision["rule"]!.GetValue<string>()));
        var store = await ReadinessAsync();
        Assert.False(store!["ready"]!.GetValue<bool>());
        Assert.Contains("full", store["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        File.Delete(filler);

        await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: not true } result ? result : null, "call served once space was freed");
        Assert.True((await ReadinessAsync())!["ready"]!.GetValue<bool>());
    }

    private static void Fill(string path)
    {
        using var file = File.Create(path);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(block);
                file.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // No space left: what this test wants.
        }
    }

    private async Task<JsonNode?> ReadinessAsync()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(_gateway.BaseUrl, "/readyz"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(body["dependencies"]!["store"]!["ready"]!.GetValue<bool>() ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
        return body["dependencies"]!["store"];
    }

    private static Task<CallToolResult> EchoAsync(McpClient client) =>
        client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "disk" }).AsTask().WaitAsync(Eventually.DefaultWait);

    private static async Task RunAsync(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(Eventually.DefaultWait);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {string.Join(' ', args)}' failed ({process.ExitCode}): {error}. This test mounts a tmpfs and needs root.");
        }
    }
}
