using Gatehouse.Configuration;
using Gatehouse.Relay;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Redis;

/// <summary>Reports whether the counters' Redis is connected; StackExchange.Redis reconnects by itself meanwhile.</summary>
internal sealed class RedisReadiness(CountersConfig counters, IServiceProvider services) : IDependencyReadiness
{
    public string Name => "counters";

    public UpstreamState Check() => counters.Redis is null
        ? new(true, "in memory")
        : services.GetRequiredService<IConnectionMultiplexer>().IsConnected
            ? new(true, "Redis connected")
            : new(false, "Redis unreachable: limited calls are " + (counters.FailOpen ? "let through uncounted" : "refused"));
}
