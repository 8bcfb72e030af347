using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Console;

/// <summary>The console's audit export: the filtered records as JSON Lines, for a signed-in admin only.</summary>
public sealed partial class ConsoleAuditExportTests : IAsyncLifetime
{
    private readonly CookieContainer _cookies = new();
    private HttpClient _browser = null!;
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))));
        // No redirects followed: the test sees where the console sends a browser.
        _browser = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = _gateway.BaseUrl };
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

        using var response = await _browser.GetAsync("/ui/audit/export?tool=echo&kind=decision");

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

        using var response = await _browser.GetAsync("/ui/audit/export?since=whenever");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_browser_without_a_session_is_sent_to_sign_in_and_an_approver_is_refused()
    {
        using (var anonymous = await _browser.GetAsync("/ui/audit/export"))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("/ui/sign-in", anonymous.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }

        await SignInAsync(await KeyAsync("carol", "approver"));
        using var approver = await _browser.GetAsync("/ui/audit/export");
        Assert.Equal(HttpStatusCode.Redirect, approver.StatusCode);
        Assert.StartsWith("/ui/forbidden", approver.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private async Task<string> KeyAsync(string identity, string role) =>
        (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(identity, roles: [role])).Secret;

    private async Task SignInAsync(string key)
    {
        var form = await _browser.GetStringAsync("/ui/sign-in");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = token,
            ["Form.Key"] = key,
        });
        using var response = await _browser.PostAsync("/ui/sign-in", content);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(_cookies.GetCookies(_gateway.BaseUrl).Cast<Cookie>(), c => c.Name == "gatehouse-console");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
