using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Store;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace Gatehouse.Tests.Audit;

/// <summary>
/// Nothing acknowledged is lost: a gateway killed with SIGKILL in the middle of a load leaves a log that holds
/// the decision of every call whose answer a client received, and whose chain still verifies.
/// </summary>
public sealed class AuditCrashTests
{
    private const int Clients = 8;

    // Enough answered calls that the kill lands among many commits, few enough to stay quick on a busy machine.
    private const int AnsweredBeforeKill = 300;

    private static readonly TimeSpan s_loadLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_gateway_killed_under_load_keeps_the_record_of_every_call_a_client_saw_answered()
    {
        await using var upstream = await TestServerHost.StartAsync();
        using var directory = new TestDirectory();
        var config = GatewayConfigFile.Write(directory, Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl).With("maxSessions", Clients + 2))));
        var answered = new ConcurrentBag<string>();

        await using (var gateway = await GatehouseProcess.StartAsync(config))
        {
            var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => gateway.ConnectAsync("test")));
            using var enough = new CancellationTokenSource(s_loadLimit);
            var load = Task.WhenAll(clients.Select((client, c) => CallUntilFailureAsync(client, c, answered, enough.Token)));
            while (answered.Count < AnsweredBeforeKill && !load.IsCompleted && !enough.IsCancellationRequested)
            {
                await Task.Delay(10);
            }

            Assert.True(answered.Count >= AnsweredBeforeKill, $"only {answered.Count} calls answered before the load ended: {gateway.RecentOutput}");
            gateway.Kill();
            await load;
            foreach (var client in clients)
            {
                await DisposeQuietlyAsync(client);
            }
        }

        var recorded = await RecordedMessagesAsync(directory.File("data"));
        var missing = answered.Where(message => !recorded.Contains(message)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} answered calls are not in the log, e.g. {string.Join(", ", missing.Take(5))}");

        var verify = await CliRunner.RunAsync("audit", "verify", "--config", config);
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
    }

    private static async Task CallUntilFailureAsync(McpClient client, int clientNumber, ConcurrentBag<string> answered, CancellationToken cancellationToken)
    {
        for (var call = 0; !cancellationToken.IsCancellationRequested; call++)
        {
            var message = $"client-{clientNumber}-call-{call}";
            try
            {
                var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: cancellationToken);
                if (result.IsError != true)
                {
                    answered.Add(message);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The gateway is gone: this client's load is over.
                return;
            }
        }
    }

    private static async Task<HashSet<string>> RecordedMessagesAsync(string dataDir)
    {
        await using var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddGatehouseStore(options => options.DataDir = dataDir)
            .BuildServiceProvider();
        var messages = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var record in services.GetRequiredService<IAuditStore>().ReadAsync(0, default))
        {
            if (record.Event is { Kind: AuditKinds.Decision, Target: "echo", Arguments: { } arguments }
                && JsonNode.Parse(arguments)?["message"]?.GetValue<string>() is { } message)
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    private static async Task DisposeQuietlyAsync(McpClient client)
    {
        try
        {
            await client.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Its gateway was killed; there is no session left to end.
        }
    }
}
