using Gatehouse.Audit;
using Gatehouse.Configuration;
using Gatehouse.Decisions.Redis;
using Gatehouse.Policy;
using Gatehouse.Relay;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Decisions.Gates;

/// <summary>
/// A call the policy allows spends one of each rate limit its rule names, all or none, and is refused when one is
/// spent; it is the last gate such a call passes. A call held for approval spends them once it is approved
/// (<see cref="ApprovalGate"/>), and a refused call spends nothing.
/// </summary>
internal sealed partial class CounterGate(ICounterStore counters, CountersConfig config, ILogger logger) : ICallGate
{
    /// <inheritdoc />
    public async ValueTask<RequestDecision?> PassAsync(CallContext call, CancellationToken cancellationToken) =>
        call.Decision.Kind == DecisionKind.Allow ? await ConsumeAsync(call, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>Spends the call's limits: leave to forward it when every one had room, else its refusal.</summary>
    public async ValueTask<RequestDecision> ConsumeAsync(CallContext call, CancellationToken cancellationToken)
    {
        var decision = call.Decision;
        var allowed = call.Allow();
        if (decision.Counters.Count == 0)
        {
            return allowed;
        }

        if (call.Call.IsContinuation)
        {
            // A multi-round call counts once: its first round spent its limits.
            return call.Allow("a retry of a multi-round call whose first round was counted");
        }

        var keys = decision.Counters.Select(c => new CounterKey(c, c.Scope switch
        {
            CounterScope.Grant => call.Grant.Grant.Id,
            CounterScope.Identity => call.Call.Identity ?? "",
            // Requests of MCP 2026-07-28 belong to no session: a session's limit then counts the identity's calls.
            CounterScope.Session => call.Call.SessionId is { Length: > 0 } session ? session : "identity:" + call.Call.Identity,
            _ => "",
        })).ToList();
        CounterOutcome outcome;
        try
        {
            outcome = await counters.TryConsumeAsync(keys, cancellationToken).ConfigureAwait(false);
        }
        catch (CounterStoreUnavailableException e) when (config.FailOpen)
        {
            LogCountersUnavailable(logger, call.Call.Server, "let through uncounted", e.Message);
            return allowed;
        }
        catch (CounterStoreUnavailableException e)
        {
            LogCountersUnavailable(logger, call.Call.Server, "refused", e.Message);
            // Fail closed: a limit that cannot be counted cannot be kept.
            return call.Refuse(new Verdict(AuditDecisions.Unavailable, decision.Rule,
                "the rate-limit counters cannot be reached, so calls with a limit are refused until they are back"));
        }

        return outcome.Admitted
            ? allowed
            : call.Refuse(new Verdict(AuditDecisions.RateLimited, decision.Rule,
                $"the rate limit '{outcome.Full!.Name}' ({Describe(outcome.Full)}) is reached",
                outcome.RetryAfter));
    }

    private static string Describe(CounterRequirement counter)
    {
        var limit = $"{counter.Max} per {Window(counter.Window)} per {counter.Scope.ToString().ToLowerInvariant()}";
        return counter.Algorithm == CounterAlgorithm.Smooth ? $"{limit}, one every {Window(counter.Spacing)}" : limit;
    }

    private static string Window(TimeSpan window) => window.TotalSeconds switch
    {
        1 => "second",
        60 => "minute",
        3600 => "hour",
        86400 => "day",
        var seconds => $"{seconds:0.###} s",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A limited call on server '{Server}' was {Outcome}: {Reason}")]
    private static partial void LogCountersUnavailable(ILogger logger, string server, string outcome, string reason);
}
