using System.Security.Claims;
using System.Text.Json.Nodes;
using Gatehouse.Relay;
using Gatehouse.Relay.Modern;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Tests.Relay;

/// <summary>Measures the process's heap, so it runs alone.</summary>
[CollectionDefinition(nameof(HeapMeasuring), DisableParallelization = true)]
public sealed class HeapMeasuring;

/// <summary>
/// The multi-round ledger's memory: it keeps a digest of each remembered call, never the call's arguments, so its bound
/// does not grow with <see cref="MultiRoundLedger.MaxEntries"/> times the largest request body (4 MiB by default).
/// </summary>
[Collection(nameof(HeapMeasuring))]
public sealed class MultiRoundLedgerMemoryTests
{
    [Fact]
    public void A_remembered_round_does_not_keep_its_arguments()
    {
        const int Rounds = 32;
        var ledger = new MultiRoundLedger(TimeProvider.System);
        var call = new RelayCall("server", "", new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "agent")], "test")));
        var big = new string('x', 1 << 20);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < Rounds; i++)
        {
            var request = new JsonRpcRequest
            {
                Id = new RequestId(i),
                Method = "tools/call",
                Params = new JsonObject { ["name"] = "ask", ["arguments"] = new JsonObject { ["text"] = big, ["n"] = i } },
            };
            ledger.Remember(call, "grant", request, new JsonObject { ["resultType"] = "input_required", ["requestState"] = $"state-{i}" }, approved: false);
        }

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(ledger);

        // 32 calls with 1 MiB of arguments each: a digest per call would be a few kilobytes in all.
        Assert.True(retained < 8 << 20, $"The ledger keeps {retained >> 20} MiB for {Rounds} remembered calls of 1 MiB arguments each.");
    }
}
