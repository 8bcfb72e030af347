using System.Text.Json.Nodes;
using Gatehouse.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using static Gatehouse.Tests.Relay.EverythingServerTests;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// A stdio server with a pool (<c>"pool": { "min", "max" }</c>): the 2026-07-28 requests of many clients share a bounded
/// set of its processes, per grant, started ahead of demand and replaced when one exits; without a pool such clients
/// fall back to sessions, each with a process of its own. The demo server (the C# SDK's) speaks both revisions.
/// </summary>
public sealed class StdioPoolTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly ProcessMarker _pooled = new();
    private readonly ProcessMarker _unpooled = new();
    private readonly ProcessMarker _shared = new();
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(
            ("pooled", Marked(Upstreams.Demo(_directory.File("pooled.db")), _pooled)
                .With("pool", new JsonObject { ["min"] = 1, ["max"] = 2 })),
            ("unpooled", Marked(Upstreams.Demo(_directory.File("unpooled.db")), _unpooled)),
            ("shared", Marked(Upstreams.Demo(_directory.File("shared.db")), _shared)
                .With("pool", new JsonObject { ["min"] = 1, ["max"] = 1, ["sessions"] = true }))));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task The_minimum_is_running_before_the_first_request()
    {
        await Eventually.UntilAsync(() => Task.FromResult(_pooled.FindProcessIds().Count == 1), "pooled process running ahead of demand",
            context: () => $"Running: {ProcessMarker.Describe(_pooled.FindProcessIds())}");
    }

    [Fact]
    public async Task Many_clients_are_served_by_at_most_the_pools_maximum_of_processes()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _gateway.ConnectAsync("pooled")));
        try
        {
            Assert.All(clients, c => Assert.Equal("2026-07-28", c.NegotiatedProtocolVersion));
            var calls = clients.SelectMany(c => Enumerable.Range(0, 5).Select(_ => c.CallToolAsync("check_listmonk_health").AsTask()));
            var results = await Task.WhenAll(calls);

            Assert.All(results, r => Assert.NotEqual(true, r.IsError));
            Assert.InRange(_pooled.FindProcessIds().Count, 1, 2);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_pooled_process_that_exits_is_replaced_at_the_next_request()
    {
        await using var client = await _gateway.ConnectAsync("pooled");
        Assert.NotEqual(true, (await client.CallToolAsync("check_listmonk_health")).IsError);
        foreach (var pid in _pooled.FindProcessIds())
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }

        await Eventually.UntilAsync(() => Task.FromResult(_pooled.FindProcessIds().Count == 0), "end of the killed processes");

        // The request that finds its process gone fails; the pool has started another by the next one.
        var result = await Eventually.UntilAsync(async () =>
        {
            try
            {
                var answer = await client.CallToolAsync("check_listmonk_health");
                return answer.IsError == true ? null : answer;
            }
            catch (McpException)
            {
                return null;
            }
        }, "successful call after the pooled process exited");

        Assert.NotEqual(true, result.IsError);
        Assert.InRange(_pooled.FindProcessIds().Count, 1, 2);
    }

    [Fact]
    public async Task Without_a_pool_a_2026_client_falls_back_to_a_session_of_its_own()
    {
        await using var client = await _gateway.ConnectAsync("unpooled");

        Assert.Equal("2025-11-25", client.NegotiatedProtocolVersion);
        Assert.NotEqual(true, (await client.CallToolAsync("check_listmonk_health")).IsError);
    }

    [Fact]
    public async Task Where_the_operator_lets_them_sessions_share_the_pool()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _gateway.ConnectAsync("shared", RunningGateway.InSession())));
        try
        {
            Assert.All(clients, c => Assert.Equal("2025-11-25", c.NegotiatedProtocolVersion));
            Assert.All(clients, c => Assert.Equal("Listmonk MCP Server", c.ServerInfo?.Name));
            var results = await Task.WhenAll(clients.Select(c => c.CallToolAsync("check_listmonk_health").AsTask()));

            Assert.All(results, r => Assert.NotEqual(true, r.IsError));
            Assert.Single(_shared.FindProcessIds());
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static JsonObject Marked(JsonObject server, ProcessMarker marker) =>
        server.With("env", new JsonObject { [ProcessMarker.VariableName] = marker.Value });
}
