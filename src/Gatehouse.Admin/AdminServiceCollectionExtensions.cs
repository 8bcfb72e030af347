using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Admin;

/// <summary>Adds the services the admin API and the console share to make changes on an operator's behalf.</summary>
public static class AdminServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ApiKeyAdministration"/>; the key store, audit log and clock come from the host.</summary>
    public static IServiceCollection AddGatehouseAdmin(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiKeyAdministration>();
        return services;
    }
}
