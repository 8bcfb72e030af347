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
    public async Task An_unreachable_redis_makes_the_store_unavailable_so_the_decision_can_fail_closed()
    {
        // Port 1 has no Redis; AbortOnConnectFail = false gives a multiplexer that is simply never connected, and
        // failing fast (no backlog) makes the call throw now instead of after the async timeout.
        var options = ConfigurationOptions.Parse("127.0.0.1:1,abortConnect=false,connectTimeout=200,asyncTimeout=500");
        options.BacklogPolicy = BacklogPolicy.FailFast;
        await using var nowhere = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisCounterStore(nowhere, new FakeTimeProvider());

        await Assert.ThrowsAsync<CounterStoreUnavailableException>(
            async () => await store.TryConsumeAsync([new CounterKey(s_twoAMinute, "grant-1")], default));
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
}
