using System.Text.Json;
using Gatehouse.Testing;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Soak;

/// <summary>
/// One agent: a session through the gateway, a mix of calls with pauses between them, and now and then a new
/// session. Each call carries a request id of its own, so that its audit record can be found by session and id.
/// </summary>
internal sealed class LoadClient(GatehouseProcess gateway, int number, SoakSettings settings, CallLedger ledger)
{
    private static readonly TimeSpan s_closeTimeout = TimeSpan.FromSeconds(10);

    // Weights of what an agent asks for: mostly work the policy allows, with a steady share of everything it refuses.
    private static readonly (CallIntent Intent, int Weight)[] s_mix =
    [
        (CallIntent.AllowedTool, 35), (CallIntent.DeniedTool, 10), (CallIntent.LimitedTool, 15),
        (CallIntent.CheckedToolGoodArguments, 15), (CallIntent.CheckedToolBadArguments, 10), (CallIntent.ListTools, 15),
    ];

    private readonly Random _random = new(number);
    private int _sessions;

    /// <summary>Runs sessions until <paramref name="end"/>; each call is bounded by the call timeout.</summary>
    public async Task RunAsync(DateTime end)
    {
        while (DateTime.UtcNow < end)
        {
            McpClient client;
            try
            {
                using var connecting = new CancellationTokenSource(settings.CallTimeout);
                client = await gateway.ConnectAsync("demo", new McpClientOptions { InitializationTimeout = settings.CallTimeout })
                    .WaitAsync(connecting.Token);
                ledger.SessionOpened();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                ledger.ConnectFailed($"client {number}: opening a session: {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1));
                continue;
            }

            var session = ++_sessions;
            var calls = _random.Next(settings.CallsPerSession.Min, settings.CallsPerSession.Max + 1);
            for (var call = 0; call < calls && DateTime.UtcNow < end; call++)
            {
                if (!await CallAsync(client, $"soak-{number}-{session}-{call}"))
                {
                    break; // The session is broken: start another, as an agent would.
                }

                await Task.Delay(_random.Next((int)settings.MaxPause.TotalMilliseconds + 1));
            }

            await CloseAsync(client);
        }
    }

    /// <returns>False when no answer came, so the session should not be used any more.</returns>
    private async Task<bool> CallAsync(McpClient client, string id)
    {
        var intent = Pick();
        using var timeout = new CancellationTokenSource(settings.CallTimeout);
        try
        {
            if (intent == CallIntent.ListTools)
            {
                var tools = (await client.ListToolsAsync(cancellationToken: timeout.Token)).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
                var right = !tools.Contains(SoakPolicy.DeniedTool) && SoakPolicy.AllowedTools.All(tools.Contains) && tools.Contains(SoakPolicy.LimitedTool);
                ledger.Record(intent, right ? CallAnswer.Listed : CallAnswer.WrongList);
                return true;
            }

            var (tool, arguments) = Arguments(intent);
            var parameters = new CallToolRequestParams { Name = tool, Arguments = arguments };
            try
            {
                var result = await client.SendRequestAsync<CallToolRequestParams, CallToolResult>(RequestMethods.ToolsCall, parameters,
                    requestId: new RequestId(id), cancellationToken: timeout.Token);
                var decision = result.Meta?["gatehouse/decision"]?["decision"]?.GetValue<string>();
                NoteVariant(result.Meta?["gatehouse/decision"]?["reason"]?.GetValue<string>());
                ledger.Acknowledge(new AcknowledgedCall(client.SessionId!, id, tool, intent, decision is null ? CallAnswer.Ran : CallAnswer.Refused,
                    decision ?? "allow"));
            }
            catch (McpProtocolException ex)
            {
                ledger.Acknowledge(new AcknowledgedCall(client.SessionId!, id, tool, intent, CallAnswer.Error, Decision: null));
                ledger.Error(ex.Message);
            }

            return true;
        }
        catch (McpProtocolException ex) when (intent == CallIntent.ListTools)
        {
            ledger.Record(intent, CallAnswer.Error);
            ledger.Error(ex.Message);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var what = timeout.IsCancellationRequested ? $"no answer within {settings.CallTimeout.TotalSeconds:0} s" : $"{ex.GetType().Name}: {ex.Message}";
            ledger.NoAnswer(intent, $"client {number}, request {id} ({intent}): {what}");
            return false;
        }
    }

    private CallIntent Pick()
    {
        var roll = _random.Next(s_mix.Sum(m => m.Weight));
        foreach (var (intent, weight) in s_mix)
        {
            if ((roll -= weight) < 0)
            {
                return intent;
            }
        }

        return s_mix[^1].Intent;
    }

    private (string Tool, Dictionary<string, JsonElement> Arguments) Arguments(CallIntent intent) => intent switch
    {
        CallIntent.AllowedTool => (SoakPolicy.AllowedTools[_random.Next(SoakPolicy.AllowedTools.Length)], []),
        // A list that does not exist: were the denial ever lost, the call would still delete nothing.
        CallIntent.DeniedTool => (SoakPolicy.DeniedTool, Numbers(("list_id", 999_999))),
        CallIntent.LimitedTool => (SoakPolicy.LimitedTool, Numbers(("campaign_id", 1))),
        CallIntent.CheckedToolGoodArguments => (SoakPolicy.CheckedTool, Numbers(("list_id", 1), ("per_page", SoakPolicy.GoodPerPage))),
        CallIntent.CheckedToolBadArguments => (SoakPolicy.CheckedTool, Numbers(("list_id", 1), ("per_page", SoakPolicy.BadPerPage))),
        _ => throw new ArgumentOutOfRangeException(nameof(intent), intent, "not a tool call"),
    };

    private static Dictionary<string, JsonElement> Numbers(params (string Name, int Value)[] arguments) =>
        arguments.ToDictionary(a => a.Name, a => JsonSerializer.SerializeToElement(a.Value));

    private void NoteVariant(string? reason)
    {
        for (var variant = 0; variant < 2 && reason is not null; variant++)
        {
            if (reason.Contains(SoakPolicy.Tag(variant), StringComparison.Ordinal))
            {
                ledger.SawVariant(variant);
            }
        }
    }

    private async Task CloseAsync(McpClient client)
    {
        try
        {
            // Disposing ends the session (HTTP DELETE), which stops its upstream process.
            await client.DisposeAsync().AsTask().WaitAsync(s_closeTimeout);
            ledger.SessionClosed();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ledger.ConnectFailed($"client {number}: closing a session: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
