using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Relay.Modern;

/// <summary>
/// Remembers the calls an upstream answered with <c>input_required</c>, so that a multi-round call counts once: the one
/// retry that carries the <c>requestState</c> the upstream gave, from the same identity and grant, for the same method,
/// target and arguments, continues that call (its limits are not spent again, nor its approval asked again when a
/// person gave it). A round continues once: the same retry sent again is a new call, as is any other retry.
/// </summary>
internal sealed class MultiRoundLedger(TimeProvider time)
{
    /// <summary>How long a call waits for its retry; past this its retry is a new call.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The most rounds remembered at once; beyond it, retries count again rather than memory grow without end.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Round> _rounds = new(StringComparer.Ordinal);

    /// <summary>Notes that the upstream asked for input on <paramref name="request"/>, let through for <paramref name="call"/> under <paramref name="grant"/>.</summary>
    /// <param name="approved">Whether a person approved the round (or the call it continues).</param>
    public void Remember(RelayCall call, string grant, JsonRpcRequest request, JsonObject result, bool approved)
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

        _rounds[Key(call, grant, request, requestState)] = new Round(time.GetTimestamp(), approved);
    }

    /// <summary>The round <paramref name="retry"/> continues, taken so that no other retry continues it; null when it continues none.</summary>
    public Round? Take(RelayCall call, string grant, JsonRpcRequest retry) =>
        retry.Params is JsonObject parameters && parameters["requestState"] is JsonValue state && state.TryGetValue<string>(out var requestState) &&
        _rounds.TryRemove(Key(call, grant, retry, requestState), out var round) && time.GetElapsedTime(round.At) <= Lifetime
            ? round
            : null;

    private void Sweep()
    {
        foreach (var (key, round) in _rounds)
        {
            if (time.GetElapsedTime(round.At) > Lifetime)
            {
                _rounds.TryRemove(key, out _);
            }
        }
    }

    // A digest of what makes two rounds one call, each part prefixed with its length so no two calls share a key, and no
    // entry keeps a call's arguments. The arguments as written: a reordered retry is (safely) a new call.
    private static string Key(RelayCall call, string grant, JsonRpcRequest request, string requestState)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[]
        {
            call.Server, call.Identity ?? "", grant, request.Method, ModernEnvelope.NameOf(request) ?? "",
            (request.Params as JsonObject)?["arguments"]?.ToJsonString() ?? "", requestState,
        })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>A round the upstream answered <c>input_required</c>: when, and whether a person had approved it.</summary>
    internal sealed record Round(long At, bool Approved);
}
