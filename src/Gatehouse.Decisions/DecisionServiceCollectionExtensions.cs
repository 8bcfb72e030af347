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
        services.TryAddSingleton(provider => provider.GetRequiredService<GatehouseConfig>().Counters);
        services.TryAddSingleton<IConnectionMultiplexer>(provider => Connect(provider.GetRequiredService<CountersConfig>().Redis!));
        services.TryAddSingleton<ICounterStore>(provider => provider.GetRequiredService<CountersConfig>().Redis is not null
            ? new RedisCounterStore(provider.GetRequiredService<IConnectionMultiplexer>(), provider.GetRequiredService<TimeProvider>())
            : new InMemoryCounterStore(provider.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDependencyReadiness, RedisReadiness>());
        services.Replace(ServiceDescriptor.Singleton<IDecisionPoint, PolicyDecisionPoint>());
        services.Replace(ServiceDescriptor.Singleton<IAccessCheck>(provider => provider.GetRequiredService<GrantPolicies>()));
        return services;
    }

    /// <summary>Connects without waiting for Redis: an unreachable Redis refuses calls (or lets them through) until it is back.</summary>
    private static ConnectionMultiplexer Connect(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(options);
    }
}
