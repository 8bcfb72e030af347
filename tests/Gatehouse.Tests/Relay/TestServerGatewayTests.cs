using Gatehouse.Testing;
using Gatehouse.TestServer;

namespace Gatehouse.Tests.Relay;

/// <summary>Tests of a fresh gateway in front of a fresh test server (server name <c>test</c>, over Streamable HTTP).</summary>
public abstract class TestServerGatewayTests : IAsyncLifetime
{
    protected RunningTestServer Upstream { get; private set; } = null!;

    protected RunningGateway Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Upstream = await TestServerHost.StartAsync();
        Gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(Upstream.McpUrl))));
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
