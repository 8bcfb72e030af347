using Gatehouse.Decisions.Redis;
using Gatehouse.Policy;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Tests.Counters;

/// <summary>What only the Redis store has: its keys, and what it does when Redis is gone.</summary>
public sealed class RedisCounterStoreTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private static readonly CounterRequirement s_twoAMinute = new("send_campaign_rate", TimeSpan.FromMinutes(1), 2, CounterScope.Grant);

    [Fact]
    public async Task An_unreachable_redis_makes_the_store_unavailable_at_once_so_the_decision_can_fail_closed()
    {
        // Port 1 has no Redis; AbortOnConnectFail = false gives a multiplexer that is simply never connected. The
        // client's own timeout is a minute: a call that queued for it would not end within this test's bound.
        var options = ConfigurationOptions.Parse("127.0.0.1:1,abortConnect=false,connectTimeout=200,asyncTimeout=60000,syncTimeout=60000");
        await using var nowhere = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisCounterStore(nowhere, new FakeTimeProvider());

        var refused = await Assert.ThrowsAsync<CounterStoreUnavailableException>(
            async () => await store.TryConsumeAsync([new CounterKey(s_twoAMinute, "grant-1")], default).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("not connected", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counter_is_one_prefixed_key_that_expires_a_window_after_its_last_admission()
    {
        var scope = $"test-{Guid.NewGuid():N}";
        var counter = new CounterKey(s_twoAMinute, scope);
        var store = new RedisCounterStore(redis.Redis, new FakeTimeProvider());

        Assert.True((await store.TryConsumeAsync([counter], default)).Admitted);

        var db = redis.Redis.GetDatabase();
        var key = "gatehouse:counter:" + counter.Key;
        Assert.Equal(1, await db.SortedSetLengthAsync(key));
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(50), TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_decision_is_one_command_to_redis_however_many_counters_it_names_admitted_or_refused(int counterCount)
    {
        // Counted on the wire, through a proxy of this test's own: the server's statistics count every test's commands.
        await using var proxy = new CommandCountingProxy(redis.Redis.GetEndPoints()[0]);
        // No tie-breaker key: a GET on the wire is then never the client's own.
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{proxy.Endpoint},connectTimeout=2000,tiebreaker=");
        var scope = $"test-{Guid.NewGuid():N}";
        var keys = Enumerable.Range(0, counterCount)
            .Select(i => new CounterKey(new CounterRequirement($"c{i}", TimeSpan.FromMinutes(1), 5, CounterScope.Grant), scope)).ToList();
        var store = new RedisCounterStore(connection, new FakeTimeProvider());

        var connected = proxy.Counts();
        Assert.True((await store.TryConsumeAsync(keys, default)).Admitted);
        var afterFirst = proxy.Counts();
        var outcomes = new List<CounterOutcome>();
        for (var i = 0; i < 9; i++)
        {
            outcomes.Add(await store.TryConsumeAsync(keys, default));
        }

        var sent = Decisions(CommandCountingProxy.Difference(afterFirst, proxy.Counts()));

        // Four more admitted, then five refused: both paths are the one script, sent by its hash.
        Assert.Equal([.. Enumerable.Repeat(true, 4), .. Enumerable.Repeat(false, 5)], outcomes.Select(o => o.Admitted));
        Assert.Equal(new Dictionary<string, int> { ["EVALSHA"] = 9 }, sent);
        // The first decision on a connection sends the script itself (EVAL) and the client loads it alongside
        // (SCRIPT LOAD) without waiting for that reply, or it would have sent EVALSHA: still one wait.
        Assert.Equal(new Dictionary<string, int> { ["SCRIPT"] = 1, ["EVAL"] = 1 }, Decisions(CommandCountingProxy.Difference(connected, afterFirst)));
    }

    /// <summary>
    /// The commands a decision could have sent: without the client's own housekeeping, which runs on its own
    /// timers (checking the server's role and health, keeping the connection alive) whenever it is due.
    /// </summary>
    private static Dictionary<string, int> Decisions(Dictionary<string, int> sent) =>
        sent.Where(c => c.Key is not ("INFO" or "PING" or "ECHO" or "CLIENT" or "CLUSTER" or "CONFIG" or "SUBSCRIBE"))
            .ToDictionary(c => c.Key, c => c.Value);
}
