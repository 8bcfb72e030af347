using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Audit;

/// <summary>
/// The PostgreSQL store killed while calls keep coming, then started again: calls are refused meanwhile (no decision
/// runs unrecorded), <c>/readyz</c> says why, every call gets an answer, and once PostgreSQL is back the same
/// gateway and the same sessions are served again, without a restart.
/// </summary>
public sealed class StoreOutageTests
{
    // The load is bounded both ways: by calls and by time, whichever ends first.
    private const int MaxLoadCalls = 20_000;
    private static readonly TimeSpan s_loadLimit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task PostgreSQL_killed_under_load_refuses_calls_until_it_is_back_and_the_gateway_serves_on()
    {
        await using var postgres = await PostgresServerProcess.StartAsync();
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))),
            store: new JsonObject { ["postgres"] = postgres.ConnectionString });
        await using var client = await gateway.ConnectAsync("test");
        await using var loadClient = await gateway.ConnectAsync("test");
        Assert.NotEqual(true, (await EchoAsync(client)).IsError);

        using var stop = new CancellationTokenSource(s_loadLimit);
        var load = RunLoadAsync(loadClient, stop.Token);

        await postgres.KillAsync();
        var refused = await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: true } result ? result : null,
            "call refused while PostgreSQL is down", context: () => postgres.RecentOutput);
        Assert.Equal("unavailable", refused.Meta!["gatehouse/decision"]!["decision"]!.GetValue<string>());
        Assert.False((await StoreReadinessAsync(gateway))["ready"]!.GetValue<bool>());

        await postgres.StartAgainAsync();
        await Eventually.UntilAsync(async () => await EchoAsync(client) is { IsError: not true } result ? result : null,
            "call served once PostgreSQL is back", context: () => postgres.RecentOutput);
        Assert.True((await StoreReadinessAsync(gateway))["ready"]!.GetValue<bool>());

        await stop.CancelAsync();
        var (answered, failures) = await load;
        Assert.True(answered > 0, "The load made no call.");
        Assert.True(failures.Count == 0, $"Calls under load got no answer: {string.Join("; ", failures.Take(5))}");
    }

    /// <summary>Calls echo until stopped; every call must be answered (served or refused), never fail or hang.</summary>
    private static async Task<(int Answered, List<string> Failures)> RunLoadAsync(McpClient client, CancellationToken stop)
    {
        var answered = 0;
        var failures = new List<string>();
        while (!stop.IsCancellationRequested && answered + failures.Count < MaxLoadCalls)
        {
            try
            {
                await EchoAsync(client);
                answered++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                failures.Add(e.Message);
            }
        }

        return (answered, failures);
    }

    private static async Task<JsonNode> StoreReadinessAsync(RunningGateway gateway)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(gateway.BaseUrl, "/readyz"));
        var store = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["dependencies"]!["store"]!;
        Assert.Equal(store["ready"]!.GetValue<bool>() ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, response.StatusCode);
        return store;
    }

    private static Task<CallToolResult> EchoAsync(McpClient client) =>
        client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "store" }).AsTask().WaitAsync(Eventually.DefaultWait);
}
