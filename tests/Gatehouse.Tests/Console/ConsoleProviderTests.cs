using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;

namespace Gatehouse.Tests.Console;

/// <summary>Sign-in with an OpenID Connect provider that cannot be reached, or whose answer is not one: nobody is signed in.</summary>
public sealed class ConsoleProviderTests : IAsyncLifetime
{
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private ConsoleBrowserClient _browser = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        // Nothing listens on port 1: the provider is down.
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            auth: new JsonObject { ["jwt"] = new JsonObject { ["issuer"] = "http://127.0.0.1:1/", ["audience"] = "gatehouse" } },
            sections: new JsonObject { ["console"] = new JsonObject { ["oidc"] = new JsonObject { ["clientId"] = "console", ["displayName"] = "Acme SSO" } } });
        _browser = new ConsoleBrowserClient(_gateway.ConsoleUrl);
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_beside_the_key()
    {
        var page = await _browser.Http.GetStringAsync("/ui/sign-in?returnUrl=%2Fui%2Fkeys");

        Assert.Contains("Sign in with Acme SSO", page);
        Assert.Contains("href=\"/ui/sign-in/provider?returnUrl=%2Fui%2Fkeys\"", page);
        Assert.Contains("API key", page);
    }

    [Fact]
    public async Task A_provider_that_cannot_be_reached_is_a_message_on_the_sign_in_page_and_signs_nobody_in()
    {
        using var start = await _browser.Http.GetAsync("/ui/sign-in/provider");

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.Equal("/ui/sign-in?error=provider-unreachable", start.Headers.Location?.OriginalString);
        Assert.False(start.Headers.Contains("Set-Cookie"));
        Assert.Contains("Acme SSO cannot be reached now", await _browser.Http.GetStringAsync(start.Headers.Location));
        await AssertSignedOutAsync();
    }

    [Fact]
    public async Task A_made_up_answer_from_the_provider_signs_nobody_in()
    {
        using var callback = await _browser.Http.GetAsync("/ui/signin-oidc?code=made-up&state=made-up");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/ui/sign-in?error=provider-refused", callback.Headers.Location?.OriginalString);
        await AssertSignedOutAsync();
    }

    [Fact]
    public async Task An_error_named_in_the_address_shows_only_the_consoles_own_words()
    {
        var page = await _browser.Http.GetStringAsync("/ui/sign-in?error=%3Cscript%3Ealert(1)%3C%2Fscript%3E");

        Assert.DoesNotContain("<script>alert(1)", page);
        Assert.DoesNotContain("role=\"alert\"", page);
    }

    private async Task AssertSignedOutAsync()
    {
        using var servers = await _browser.Http.GetAsync("/ui/servers");
        Assert.Equal(HttpStatusCode.Redirect, servers.StatusCode);
        Assert.Contains("/ui/sign-in", servers.Headers.Location?.OriginalString);
    }
}
