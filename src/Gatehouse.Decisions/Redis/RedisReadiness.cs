using Gatehouse.Configuration;
using Gatehouse.Relay;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Decisions.Redis;

/// <summary>
/// Reports whether the counters' Redis is connected and answering in time; StackExchange.Redis reconnects by itself
/// meanwhile, and the counter store's circuit breaker tries it again every second.
/// </summary>
internal sealed class RedisReadiness(CountersConfig counters, IServiceProvider services) : IDependencyReadiness
{
    public string Name => "counters";

    public UpstreamState Check() => counters.Redis is null
        ? new(true, "in memory")
        : services.GetRequiredService<RedisCounterStore>().Answering
            ? new(true, "Redis connected")
            : new(false, $"Redis unreachable or not answering within {counters.Timeout.TotalSeconds:0.###} s: limited calls are " +
                (counters.FailOpen ? "let through uncounted" : "refused"));
}
