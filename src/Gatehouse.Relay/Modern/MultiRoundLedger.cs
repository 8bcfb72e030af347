using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// Remembers the calls an upstream answered with <c>input_required</c>, so that their retries count once: a retry that
/// carries the <c>requestState</c> the upstream gave, from the same identity and grant, for the same method, target and
/// arguments, continues that call (its limits and approval are not spent again). Any other retry is a new call.
/// </summary>
internal sealed class MultiRoundLedger(TimeProvider time)
{
    /// <summary>How long a call waits for its retry; past this its retry is a new call.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The most calls remembered at once; beyond it, retries count again rather than memory grow without end.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, long> _rounds = new(StringComparer.Ordinal);

    /// <summary>Notes that the upstream asked for input on <paramref name="request"/>, allowed for <paramref name="call"/> under <paramref name="grant"/>.</summary>
    public void Remember(RelayCall call, string grant, JsonRpcRequest request, JsonObject result)
    {
        if (result["requestState"] is not JsonValue state || !state.TryGetValue<string>(out var requestState))
        {
            return;
        }

        if (_rounds.Count >= MaxEntries)
        {
            Sweep();
            if (_rounds.Count >= MaxEntries)
            {
                return;
            }
        }

        _rounds[Key(call, grant, request, requestState)] = time.GetTimestamp();
    }

    /// <summary>Whether <paramref name="retry"/> continues a call remembered here.</summary>
    public bool Continues(RelayCall call, string grant, JsonRpcRequest retry) =>
        retry.Params is JsonObject parameters && parameters["requestState"] is JsonValue state && state.TryGetValue<string>(out var requestState) &&
        _rounds.TryGetValue(Key(call, grant, retry, requestState), out var at) && time.GetElapsedTime(at) <= Lifetime;

    private void Sweep()
    {
        foreach (var (key, at) in _rounds)
        {
            if (time.GetElapsedTime(at) > Lifetime)
            {
                _rounds.TryRemove(key, out _);
            }
        }
    }

    // What makes two rounds one call; the arguments as written, so a reordered retry is (safely) a new call.
    private static string Key(RelayCall call, string grant, JsonRpcRequest request, string requestState) =>
        string.Join('\n', call.Server, call.Identity ?? "", grant, request.Method, ModernEnvelope.NameOf(request) ?? "",
            (request.Params as JsonObject)?["arguments"]?.ToJsonString() ?? "", requestState);
}
