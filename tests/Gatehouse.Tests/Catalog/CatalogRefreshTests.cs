using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Decisions;
using Gatehouse.Tests.Relay;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Catalog;

/// <summary>
/// The services behind the console's catalog pages, from the gateway's own container: a server no agent has listed is
/// listed by <see cref="CatalogRefresh"/>, and a changed tool is accepted as the operator, audited.
/// </summary>
public sealed class CatalogRefreshTests : TestServerGatewayTests
{
    [Fact]
    public async Task A_server_no_agent_listed_is_listed_by_a_refresh_and_a_changed_tool_is_accepted_as_the_operator()
    {
        var catalog = Gateway.Services.GetRequiredService<ToolCatalog>();
        var refresh = Gateway.Services.GetRequiredService<CatalogRefresh>();
        var server = Gateway.Services.GetRequiredService<GatehouseConfig>().McpServers["test"];
        Assert.Empty((await catalog.ReportAsync("test", default)).Tools);

        await refresh.RefreshAsync(server, default);

        var first = await catalog.ReportAsync("test", default);
        Assert.Contains(first.Tools, tool => tool is { Definition.Name: "echo", State: ToolPinState.Pinned, Pin.Reviewed: false });

        Upstream.Redescribe("echo", "Returns the message unchanged, now faster.");
        await refresh.RefreshAsync(server, default);

        var pending = await catalog.PendingAsync("test", "echo", default);
        Assert.Equal(ToolPinState.Changed, pending!.Standing.State);
        Assert.Contains("+   \"description\": \"Returns the message unchanged, now faster.\",", DefinitionDiff.Of(pending));

        var accepted = await catalog.AcceptAsync("test", "echo", "ops", pending.Standing.Definition.Hash, default);

        Assert.Equal(AcceptOutcome.Accepted, accepted.Outcome);
        var now = (await catalog.ReportAsync("test", default)).Tools.Single(tool => tool.Definition.Name == "echo");
        Assert.Equal((ToolPinState.Pinned, "ops", true), (now.State, now.Pin!.PinnedBy, now.Pin.Reviewed));
        var audited = (await Gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Catalog }, default)).Records;
        Assert.Contains(audited, record => record.Event is { Decision: AuditDecisions.Accepted, Target: "echo", Identity: "ops" });
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_reported_as_such()
    {
        var refresh = Gateway.Services.GetRequiredService<CatalogRefresh>();
        // Nothing listens on port 1.
        var server = Gateway.Services.GetRequiredService<GatehouseConfig>().McpServers["test"] with { Url = new Uri("http://127.0.0.1:1/mcp") };

        var refused = await Assert.ThrowsAsync<UpstreamUnreachableException>(() => refresh.RefreshAsync(server, default));

        Assert.Contains("server 'test'", refused.Message);
    }
}
