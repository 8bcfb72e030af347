using Gatehouse.OperatorConsole.Components.Pages;
using Gatehouse.Relay.Accounts;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.OperatorConsole.Components.Tests;

/// <summary>
/// My connections acts for the person signed in and no one else: the link it opens is made for their identity, and what
/// it disconnects is theirs; without OAuth on, it says so rather than list consents.
/// </summary>
public sealed class ConnectionsPageTests : ConsoleComponentTest
{
    private readonly Upstreams _upstreams = new();

    public ConnectionsPageTests()
    {
        Services.AddSingleton<IUpstreamConnections>(_upstreams);
        AddAuthorization().SetAuthorized("eve");
    }

    [Fact]
    public void Connect_opens_the_link_made_for_the_person_signed_in()
    {
        var page = Render<Connections>();

        page.Find("fluent-button[aria-label='Connect your account on remote']").Click();

        Assert.Equal(("remote", "eve"), _upstreams.LinkMadeFor);
        Assert.Equal("http://gatehouse.test/connect/remote?ticket=for-eve", Services.GetRequiredService<NavigationManager>().Uri);
        Assert.Contains("Gatehouse does not sign in MCP clients here (OAuth is off)", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Disconnect_asks_first_then_disconnects_the_persons_own_account()
    {
        var page = Render<Connections>();

        page.Find("fluent-button[aria-label='Disconnect your account on other']").Click();
        Assert.Empty(_upstreams.Disconnected);
        page.FindAll("[role=alertdialog] fluent-button").Single(b => b.TextContent.Trim() == "Disconnect").Click();

        Assert.Equal([("eve", "other")], _upstreams.Disconnected);
        page.WaitForAssertion(() => Assert.Contains("Your account on other is disconnected", page.Markup, StringComparison.Ordinal));
    }

    private sealed class Upstreams : IUpstreamConnections
    {
        public (string Server, string Identity)? LinkMadeFor { get; private set; }

        public List<(string Identity, string Server)> Disconnected { get; } = [];

        public Task<IReadOnlyList<UpstreamConnection>> ListAsync(string identity, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<UpstreamConnection>>(
                [new("other", !Disconnected.Contains((identity, "other")), DateTimeOffset.UnixEpoch), new("remote", false, null)]);

        public string? ConnectLink(Uri reached, string server, string identity)
        {
            LinkMadeFor = (server, identity);
            return $"http://gatehouse.test/connect/{server}?ticket=for-{identity}";
        }

        public Task<bool> DisconnectAsync(string identity, string server, CancellationToken cancellationToken)
        {
            Disconnected.Add((identity, server));
            return Task.FromResult(true);
        }
    }
}
