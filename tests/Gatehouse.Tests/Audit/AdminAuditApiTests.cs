using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Audit;

/// <summary>The admin API's audit log: paged queries and verification, for the admin role only.</summary>
public sealed class AdminAuditApiTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))));
        await using var client = await _gateway.ConnectAsync("test");
        for (var i = 0; i < 5; i++)
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"{i}" });
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task An_admin_pages_through_the_decisions_of_a_tool()
    {
        var admin = await KeyAsync("root", "admin");
        var seen = new List<long>();
        string? next = null;
        do
        {
            var page = await GetJsonAsync($"/admin/v1/audit?tool=echo&kind=decision&limit=2{(next is null ? "" : $"&before={next}")}", admin);
            seen.AddRange(page["records"]!.AsArray().Select(r => r!["sequence"]!.GetValue<long>()));
            next = page["next"]?.ToString();
        }
        while (next is not null);

        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.OrderDescending(), seen);
    }

    [Fact]
    public async Task An_admin_verifies_the_chain()
    {
        var verification = await GetJsonAsync("/admin/v1/audit/verify", await KeyAsync("root", "admin"));

        Assert.True(verification["intact"]!.GetValue<bool>());
        Assert.True(verification["checked"]!.GetValue<long>() >= 5);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("since=whenever")]
    [InlineData("before=-1")]
    [InlineData("frobnicate=1")]
    public async Task A_bad_query_is_400(string query)
    {
        using var response = await SendAsync($"/admin/v1/audit?{query}", await KeyAsync("root", "admin"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Everyone_but_an_admin_is_refused()
    {
        using var anonymous = await SendAsync("/admin/v1/audit", bearer: null);
        using var agent = await SendAsync("/admin/v1/audit", await KeyAsync("agent", "approver"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, agent.StatusCode);
    }

    private async Task<string> KeyAsync(string identity, string role) =>
        (await _gateway.Services.GetRequiredService<IApiKeyStore>().CreateAsync(identity, roles: [role])).Secret;

    private async Task<JsonNode> GetJsonAsync(string path, string bearer)
    {
        using var response = await SendAsync(path, bearer);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_gateway.BaseUrl, path));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await _http.SendAsync(request);
    }
}
