using System.Net;
using Gatehouse.OperatorConsole;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Tests.Console;

/// <summary>How long a console session lasts: not past its key, not past its idle time, and never on a forged form.</summary>
public sealed class ConsoleSessionTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;
    private ConsoleBrowserClient _browser = null!;

    private IApiKeyStore Keys => _gateway.Services.GetRequiredService<IApiKeyStore>();

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            services => services.AddSingleton<TimeProvider>(_time));
        _browser = new ConsoleBrowserClient(_gateway.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_revoked_key_ends_its_console_session_within_the_recheck()
    {
        var (key, secret) = await Keys.CreateAsync("ops", roles: ["admin"]);
        using (var signedIn = await _browser.SignInAsync(secret))
        {
            Assert.EndsWith("/ui/servers", signedIn.Headers.Location?.OriginalString);
        }

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("/ui/servers"));

        await Keys.RevokeAsync(key.Id);
        _time.Advance(ConsoleAuthentication.KeyRecheck + TimeSpan.FromSeconds(1));

        using var after = await _browser.Http.GetAsync("/ui/servers");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/ui/sign-in", after.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_session_unused_for_its_idle_timeout_is_over()
    {
        var (_, secret) = await Keys.CreateAsync("ops", roles: ["admin"]);
        using (await _browser.SignInAsync(secret))
        {
        }

        _time.Advance(ConsoleAuthentication.IdleTimeout + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Redirect, await StatusOfAsync("/ui/servers"));
    }

    [Fact]
    public async Task A_session_in_use_all_along_is_over_after_its_lifetime()
    {
        var (_, secret) = await Keys.CreateAsync("ops", roles: ["admin"]);
        using (await _browser.SignInAsync(secret))
        {
        }

        var step = ConsoleAuthentication.IdleTimeout / 2;
        for (var used = TimeSpan.Zero; used + step < ConsoleAuthentication.SessionLifetime; used += step)
        {
            _time.Advance(step);
            Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("/ui/servers"));
        }

        _time.Advance(step);

        Assert.Equal(HttpStatusCode.Redirect, await StatusOfAsync("/ui/servers"));
    }

    [Fact]
    public async Task The_cookie_is_out_of_scripts_reach_and_not_sent_by_other_sites()
    {
        var (_, secret) = await Keys.CreateAsync("ops", roles: ["admin"]);

        using var signedIn = await _browser.SignInAsync(secret);

        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gatehouse-console=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_form_posted_without_the_pages_token_changes_nothing()
    {
        var (_, secret) = await Keys.CreateAsync("ops", roles: ["admin"]);
        using (await _browser.SignInAsync(secret))
        {
        }

        // What another site could make a signed-in browser send: the form, without the token only the page has.
        using var forged = await _browser.Http.PostAsync("/ui/sign-out", new FormUrlEncodedContent(new Dictionary<string, string>()));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("/ui/servers"));
    }

    private async Task<HttpStatusCode> StatusOfAsync(string path)
    {
        using var response = await _browser.Http.GetAsync(path);
        return response.StatusCode;
    }
}
