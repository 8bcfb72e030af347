using Gatehouse.Decisions.Redis;

namespace Gatehouse.Decisions.Tests.Counters;

public sealed class RedisCounterStoreContractTests(RedisFixture redis) : CounterStoreContract, IClassFixture<RedisFixture>
{
    protected override ICounterStore CreateStore() => new RedisCounterStore(redis.Redis, Time);
}
