using Gatehouse.Approvals;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Gatehouse.Decisions.Redis;
using Gatehouse.Relay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Gatehouse.Decisions;

/// <summary>Registers policy decisions the ASP.NET Core way.</summary>
public static class DecisionServiceCollectionExtensions
{
    /// <summary>Decides every call and list by the policy of the caller's grant, with counters in memory.</summary>
    public static IServiceCollection AddGatehousePolicyDecisions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrantPolicies>();
        services.AddGatehouseApprovals();
        services.TryAddSingleton<ToolCatalog>();
        services.TryAddSingleton<CatalogRefresh>();
        services.TryAddSingleton<PolicyVersions>();
        services.TryAddSingleton<PolicyCases>();
        services.TryAddSingleton(provider => provider.GetRequiredService<GatehouseConfig>().Counters);
        services.TryAddSingleton<IConnectionMultiplexer>(provider => Connect(provider.GetRequiredService<CountersConfig>()));
        services.TryAddSingleton(provider => new RedisCounterStore(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ICounterStore>(provider => provider.GetRequiredService<CountersConfig>().Redis is not null
            ? provider.GetRequiredService<RedisCounterStore>()
            : new InMemoryCounterStore(provider.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDependencyReadiness, RedisReadiness>());
        services.Replace(ServiceDescriptor.Singleton<IDecisionPoint, PolicyDecisionPoint>());
        services.Replace(ServiceDescriptor.Singleton<IAccessCheck>(provider => provider.GetRequiredService<GrantPolicies>()));
        services.Replace(ServiceDescriptor.Singleton<IScopeCheck, ScopeRequirements>());
        return services;
    }

    /// <summary>
    /// Connects without waiting for Redis: an unreachable Redis refuses calls (or lets them through) until it is back.
    /// <c>counters.timeout</c> bounds connecting and every command, in place of the configuration string's own timeouts.
    /// </summary>
    private static ConnectionMultiplexer Connect(CountersConfig counters)
    {
        var options = ConfigurationOptions.Parse(counters.Redis!);
        options.AbortOnConnectFail = false;
        var milliseconds = (int)Math.Max(1, counters.Timeout.TotalMilliseconds);
        options.ConnectTimeout = milliseconds;
        options.SyncTimeout = milliseconds;
        options.AsyncTimeout = milliseconds;
        return ConnectionMultiplexer.Connect(options);
    }
}
