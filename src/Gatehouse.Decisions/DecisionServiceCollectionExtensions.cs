using Gatehouse.Relay;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Decisions;

/// <summary>Registers policy decisions the ASP.NET Core way.</summary>
public static class DecisionServiceCollectionExtensions
{
    /// <summary>Decides every call and list by the policy of the caller's grant, with counters in memory.</summary>
    public static IServiceCollection AddGatehousePolicyDecisions(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GrantPolicies>();
        services.TryAddSingleton<ICounterStore, InMemoryCounterStore>();
        services.Replace(ServiceDescriptor.Singleton<IDecisionPoint, PolicyDecisionPoint>());
        services.Replace(ServiceDescriptor.Singleton<IAccessCheck>(provider => provider.GetRequiredService<GrantPolicies>()));
        return services;
    }
}
