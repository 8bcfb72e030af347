using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Console;

/// <summary>The console's audit export: the filtered records as JSON Lines, for a signed-in admin only.</summary>
public sealed class ConsoleAuditExportTests : IAsyncLifetime
{
    private ConsoleBrowserClient _browser = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))));
        _browser = new ConsoleBrowserClient(_gateway.BaseUrl);
        await using var client = await _gateway.ConnectAsync("test");
        for (var i = 0; i < 3; i++)
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"{i}" });
        }

        await client.ListToolsAsync();
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_downloads_the_filtered_records_as_json_lines()
    {
        await SignInAsync(await KeyAsync("root", "admin"));

        using var response = await _browser.Http.GetAsync("/ui/audit/export?tool=echo&kind=decision");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var records = lines.Select(line => JsonNode.Parse(line)!).ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, r =>
        {
            Assert.Equal("echo", r["target"]!.GetValue<string>());
            Assert.Equal("decision", r["kind"]!.GetValue<string>());
            Assert.Matches("^[0-9a-f]{64}$", r["hash"]!.GetValue<string>());
        });
        var sequences = records.Select(r => r["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.OrderDescending(), sequences);
    }

    [Fact]
    public async Task A_bad_filter_is_400()
    {
        await SignInAsync(await KeyAsync("root", "admin"));

        using var response = await _browser.Http.GetAsync("/ui/audit/export?since=whenever");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_sign_in_and_an_approver_is_refused()
    {
        using (var anonymous = await _browser.Http.GetAsync("/ui/audit/export"))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("/ui/sign-in", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        await SignInAsync(await KeyAsync("carol", "approver"));
        using var approver = await _browser.Http.GetAsync("/ui/audit/export");
        Assert.Equal(HttpStatusCode.Redirect, approver.StatusCode);
        Assert.StartsWith("/ui/forbidden", approver.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private async Task<string> KeyAsync(string identity, string role) =>
        (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(identity, roles: [role])).Secret;

    private async Task SignInAsync(string key)
    {
        using var response = await _browser.SignInAsync(key);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(_browser.Cookies.GetCookies(_gateway.BaseUrl).Cast<Cookie>(), c => c.Name == "gatehouse-console");
    }
}
