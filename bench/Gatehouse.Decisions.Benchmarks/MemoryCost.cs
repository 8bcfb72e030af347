using System.Security.Cryptography;
using Gatehouse.Decisions.Redis;
using Gatehouse.Policy;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Benchmarks;

/// <summary>
/// What counters cost in memory: the in-memory store's live heap per key and per admission (measured with
/// <see cref="GC.GetTotalMemory(bool)"/> around filling a store, and what each admission allocates), and a
/// Redis counter's <c>MEMORY USAGE</c> by number of admissions.
/// </summary>
public static class MemoryCost
{
    private const int Keys = 10_000;

    public static async Task RunAsync(TextWriter output)
    {
        InMemory(output);
        output.WriteLine();
        await RedisAsync(output);
    }

    private static void InMemory(TextWriter output)
    {
        var grant = new CounterRequirement("send_campaign_rate", TimeSpan.FromMinutes(1), 100, CounterScope.Grant);
        // Session ids as the gateway makes them (43 characters): the scope that makes many keys.
        var sessions = Enumerable.Range(0, Keys).Select(_ => Base64Url(RandomNumberGenerator.GetBytes(32))).ToArray();

        // Many keys at once: the live heap is exact only to within an allocation quantum (kilobytes), a key is hundreds of bytes.
        var perSession10 = grant with { Name = "send_campaign_rate_per_session", Max = 10, Scope = CounterScope.Session };
        var perSession1000 = perSession10 with { Max = 1000 };
        var thousand = sessions[..1000];
        var rows = new (string Counters, int Keys, int Admissions, long Bytes)[]
        {
            ("1,000 keys, max 1000", 1000, 1, RetainedBy(() => Filled(1, [perSession1000], thousand))),
            ("1,000 keys, max 1000", 1000, 1000, RetainedBy(() => Filled(1000, [perSession1000], thousand))),
            ($"{Keys:N0} keys, max 10", Keys, 1, RetainedBy(() => Filled(1, [perSession10], sessions))),
            ($"{Keys:N0} keys, max 10", Keys, 10, RetainedBy(() => Filled(10, [perSession10], sessions))),
        };

        output.WriteLine("In memory: live heap after a full GC (session-scoped counters, 43-character session ids):");
        output.WriteLine();
        output.WriteLine("| counters | admissions each | live heap | per key | per admission beyond a key's first |");
        output.WriteLine("|----------|----------------:|----------:|--------:|-----------------------------------:|");
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            var beyondFirst = row.Admissions == 1 ? "" : $"{(row.Bytes - rows[i - 1].Bytes) / ((row.Admissions - 1.0) * row.Keys):N1} B";
            output.WriteLine($"| {row.Counters} | {row.Admissions:N0} | {row.Bytes:N0} B | {row.Bytes / (double)row.Keys:N0} B | {beyondFirst} |");
        }

        // An idle key keeps its log: nothing removes a key, and its entries leave only when it is next consumed.
        var time = new ManualTime();
        var store = new InMemoryCounterStore(time);
        Consume(store, 10, [perSession10], sessions);
        var beforeWindow = LiveHeap();
        time.Advance(TimeSpan.FromHours(1));
        Consume(store, 1, [perSession10], ["another-session"]);
        var afterWindow = LiveHeap();
        GC.KeepAlive(store);
        output.WriteLine();
        output.WriteLine($"{Keys:N0} full session keys an hour after their last admission, the store used since: {afterWindow - beforeWindow:+#,0;-#,0;0} B live heap " +
            "(the keys and their logs stay until the process ends).");

        // What one admission allocates, beyond the caller's list of counters, in a steady state.
        var steady = new InMemoryCounterStore(new SteppingTime(TimeSpan.FromSeconds(1)));
        CounterKey[] one = [new(grant, "marketing")];
        CounterKey[] two = [one[0], new(grant with { Name = "send_campaign_rate_per_identity", Scope = CounterScope.Identity }, "campaign-agent")];
        output.WriteLine($"Allocated per admission in a steady state: {AllocatedPerCall(steady, one):N0} B with one counter, {AllocatedPerCall(steady, two):N0} B with two " +
            $"(the key strings, \"{one[0].Key.Replace("\n", "\\n", StringComparison.Ordinal)}\", built twice per counter per call).");
    }

    private static async Task RedisAsync(TextWriter output)
    {
        using var redis = BenchmarkRedis.Connect();
        var db = redis.GetDatabase();
        var prefix = BenchmarkRedis.RunPrefix();
        var store = new RedisCounterStore(redis, new SteppingTime(TimeSpan.FromMilliseconds(1)));
        output.WriteLine($"Redis {BenchmarkRedis.Configuration}, version {redis.GetServer(redis.GetEndPoints()[0]).Version} (MEMORY USAGE key SAMPLES 0):");
        output.WriteLine();
        output.WriteLine("| admissions in the window | encoding | MEMORY USAGE | per admission (beyond the first) |");
        output.WriteLine("|-------------------------:|----------|-------------:|---------------------------------:|");
        long? single = null;
        foreach (var admissions in new[] { 1, 10, 100, 128, 129, 1000 })
        {
            var counter = new CounterKey(new CounterRequirement($"{prefix}send_campaign_rate_{admissions}", TimeSpan.FromMinutes(1), admissions, CounterScope.Grant), "marketing");
            for (var i = 0; i < admissions; i++)
            {
                if (!(await store.TryConsumeAsync([counter], default)).Admitted)
                {
                    throw new InvalidOperationException($"Admission {i + 1} of {admissions} was refused.");
                }
            }

            var key = RedisCounterStore.KeyPrefix + counter.Key;
            var usage = (long)await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
            var encoding = (string?)await db.ExecuteAsync("OBJECT", "ENCODING", key);
            single ??= usage;
            var perAdmission = admissions == 1 ? "" : $"{(usage - single.Value) / (double)(admissions - 1):N1} B";
            output.WriteLine($"| {admissions} | {encoding} | {usage:N0} B | {perAdmission} |");
            await db.KeyDeleteAsync(key);
        }

        output.WriteLine();
        output.WriteLine($"Keys are \"{RedisCounterStore.KeyPrefix}\" + name, scope and scope value (here {(RedisCounterStore.KeyPrefix + "send_campaign_rate\nGrant\nmarketing").Length} characters); " +
            "members are \"<ms>:<16 hex digits>\" (30 bytes); a key expires a window after its last admission.");
    }

    private static InMemoryCounterStore Filled(int admissions, CounterRequirement[] counters, string[] scopeValues)
    {
        // A clock that never moves: every admission stays in the window.
        var store = new InMemoryCounterStore(new ManualTime());
        Consume(store, admissions, counters, scopeValues);
        return store;
    }

    private static void Consume(InMemoryCounterStore store, int admissions, CounterRequirement[] counters, string[] scopeValues)
    {
        foreach (var scope in scopeValues)
        {
            CounterKey[] keys = [.. counters.Select(c => new CounterKey(c, scope))];
            for (var i = 0; i < admissions; i++)
            {
                if (!store.TryConsumeAsync(keys, default).Result.Admitted)
                {
                    throw new InvalidOperationException($"Admission {i + 1} of {admissions} was refused.");
                }
            }
        }
    }

    private static double AllocatedPerCall(InMemoryCounterStore store, CounterKey[] keys)
    {
        const int Calls = 100_000;
        for (var i = 0; i < 1000; i++)
        {
            _ = store.TryConsumeAsync(keys, default).Result;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            _ = store.TryConsumeAsync(keys, default).Result;
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
    }

    private static long RetainedBy(Func<object> build)
    {
        // Once for nothing: the first run also fills the JIT's and the shared array pools' caches, which stay.
        GC.KeepAlive(build());
        var before = LiveHeap();
        var kept = build();
        var after = LiveHeap();
        GC.KeepAlive(kept);
        return after - before;
    }

    private static long LiveHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A clock that moves only when told.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
