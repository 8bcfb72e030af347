using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Store.Approvals;
using Gatehouse.Store.Audit;
using Gatehouse.Store.Catalog;
using Gatehouse.Store.Database;
using Gatehouse.Store.Migrations;
using Gatehouse.Store.UpstreamTokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gatehouse.Store;

/// <summary>Registers the state store the ASP.NET Core way.</summary>
public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the state store (<see cref="IApiKeyStore"/>, <see cref="IAuditStore"/>, <see cref="IApprovalStore"/>, <see cref="ICatalogStore"/>, <see cref="IUpstreamTokenStore"/>, <see cref="IStoreMigrator"/>) over SQLite, or over
    /// PostgreSQL when <see cref="StoreOptions.PostgresConnectionString"/> is set. Options may also be bound
    /// elsewhere with <c>services.Configure&lt;StoreOptions&gt;(...)</c>; they are validated at host start-up, or
    /// when the store is first resolved without a host. The schema is migrated on first use, or by calling <see cref="IStoreMigrator.MigrateAsync"/>.
    /// </summary>
    public static IServiceCollection AddGatehouseStore(this IServiceCollection services, Action<StoreOptions>? configure = null)
    {
        var options = services.AddOptions<StoreOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IStoreBackend>(sp => StoreBackendFactory.Create(sp.GetRequiredService<IOptions<StoreOptions>>().Value));
        services.TryAddSingleton<StoreConnector>();
        services.TryAddSingleton<StoreHealth>();
        services.TryAddSingleton<StoreMigrator>();
        services.TryAddSingleton<IStoreMigrator>(sp => sp.GetRequiredService<StoreMigrator>());
        services.TryAddSingleton<StoreDatabase>();
        services.TryAddSingleton<IApiKeyStore, ApiKeyStore>();
        services.TryAddSingleton<IAuditStore, AuditStore>();
        services.TryAddSingleton<IApprovalStore, ApprovalStore>();
        services.TryAddSingleton<ICatalogStore, CatalogStore>();
        services.TryAddSingleton<IUpstreamTokenStore, UpstreamTokenStore>();
        return services;
    }
}
