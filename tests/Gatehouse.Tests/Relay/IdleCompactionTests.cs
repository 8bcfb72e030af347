using System.Net;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Tests.Relay;

/// <summary>When the last of many sessions closes, the gateway gives their memory back (bench/results/memory.md).</summary>
public sealed class IdleCompactionTests
{
    private const int Sessions = 64;

    [Fact]
    public async Task Once_many_sessions_have_closed_and_none_is_open_the_gateway_compacts_its_memory()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl).With("maxSessions", Sessions))),
            services => services.AddSingleton<TimeProvider>(time));
        using var raw = new RawMcpClient(gateway.McpUrl("test"));
        var ids = new List<string>();
        for (var i = 0; i < Sessions; i++)
        {
            ids.Add(await raw.OpenSessionAsync());
        }

        var before = GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;
        foreach (var id in ids)
        {
            using var delete = new HttpRequestMessage(HttpMethod.Delete, raw.Endpoint);
            delete.Headers.Add("Mcp-Session-Id", id);
            Assert.Equal(HttpStatusCode.OK, (await raw.SendAsync(delete)).StatusCode);
        }

        // The collection waits two quiet seconds after the last session is gone; the test moves time on until it has run.
        // Nothing else in this process asks for a full blocking collection, so a new one is the gateway's.
        await Eventually.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(2));
            return Task.FromResult(GC.GetGCMemoryInfo(GCKind.FullBlocking) is { Compacted: true } info && info.Index > before);
        }, "compacting full collection after the last session closed");
    }
}
