using System.Net;
using Gatehouse.Relay;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Tests.Relay;

/// <summary>Sessions left idle are closed, so abandoned clients do not hold upstream sessions and processes.</summary>
public sealed class IdleSessionTests
{
    [Fact]
    public async Task A_session_idle_longer_than_the_servers_idle_timeout_is_closed_and_a_busy_one_is_not()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(
            Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl).With("idleTimeout", "10m"))),
            services => services.AddSingleton<TimeProvider>(time));
        var sessions = gateway.Services.GetRequiredService<RelaySessionRegistry>();
        using var raw = new RawMcpClient(gateway.McpUrl("test"));
        var idle = await raw.OpenSessionAsync();
        var busy = await raw.OpenSessionAsync();

        for (var minute = 0; minute < 11; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Contains("\"tools\"", await raw.CallAsync(busy, """{"jsonrpc":"2.0","id":5,"method":"tools/list"}"""));
        }

        await EverythingServerTests.WaitUntilAsync(() => !sessions.TryGet(idle, out _));
        Assert.True(sessions.TryGet(busy, out _));
        using var afterwards = await raw.SendAsync(raw.Post("""{"jsonrpc":"2.0","id":6,"method":"tools/list"}""", idle));
        Assert.Equal(HttpStatusCode.NotFound, afterwards.StatusCode);
    }
}
