using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Approvals;

/// <summary>Registers the approval queue the ASP.NET Core way; the store (<see cref="IApprovalStore"/>) comes with the state store.</summary>
public static class ApprovalServiceCollectionExtensions
{
    /// <summary>The queue, and the webhooks that announce held calls.</summary>
    public static IServiceCollection AddGatehouseApprovals(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ApprovalOptions>();
        services.AddHttpClient(WebhookApprovalNotifier.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<IApprovalNotifier, WebhookApprovalNotifier>();
        services.TryAddSingleton<ApprovalQueue>();
        return services;
    }

    /// <summary>Expires held calls nobody waits for or runs any more, for a gateway (not for a one-off command).</summary>
    public static IServiceCollection AddGatehouseApprovalExpiry(this IServiceCollection services) =>
        services.AddHostedService<ApprovalExpiry>();
}
