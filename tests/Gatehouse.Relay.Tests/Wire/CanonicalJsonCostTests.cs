using System.Diagnostics;
using System.Text;
using Gatehouse.Relay.Wire;

namespace Gatehouse.Relay.Tests.Wire;

[CollectionDefinition(nameof(CanonicalJsonCostTests), DisableParallelization = true)]
public sealed class CanonicalJsonCostCollection;

/// <summary>What reading a message costs grows with its size, whatever its shape. Timed, so run alone.</summary>
[Collection(nameof(CanonicalJsonCostTests))]
public sealed class CanonicalJsonCostTests
{
    private static string Call(string arguments) =>
        $$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"send_campaign","arguments":{{{arguments}}}}}""";

    [Fact]
    public void A_wide_object_makes_the_small_objects_after_it_no_dearer()
    {
        // One object of 200,000 members, then small objects at the same depth: each small object must not cost
        // as much as the wide one's table. Compared with the same bytes of small objects only.
        var wide = new StringBuilder("{");
        for (var i = 0; i < 200_000; i++)
        {
            wide.Append(i == 0 ? "" : ",").Append('"').Append(i.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append("\":0");
        }

        var hostile = Encoding.UTF8.GetBytes(Call(Items(wide.Append('}').ToString())));
        var plain = Encoding.UTF8.GetBytes(Call(Items("{\"a\":0}")));
        Assert.Null(CanonicalJson.FindProblem(hostile));

        Assert.InRange(Fastest(hostile).TotalMilliseconds, 0, 4 * Fastest(plain).TotalMilliseconds + 50);

        static string Items(string first)
        {
            var list = new StringBuilder("{\"list\":[").Append(first);
            while (list.Length < 4_000_000)
            {
                list.Append(",{\"a\":0}");
            }

            return list.Append("]}").ToString();
        }

        static TimeSpan Fastest(byte[] message)
        {
            var fastest = TimeSpan.MaxValue;
            for (var run = 0; run < 5; run++)
            {
                var clock = Stopwatch.StartNew();
                CanonicalJson.FindProblem(message);
                fastest = clock.Elapsed < fastest ? clock.Elapsed : fastest;
            }

            return fastest;
        }
    }
}
