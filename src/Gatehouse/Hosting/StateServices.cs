using Gatehouse.Configuration;
using Gatehouse.Relay;
using Gatehouse.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Hosting;

/// <summary>The state every Gatehouse process shares through its store: API keys, held calls and the audit log.</summary>
public static class StateServices
{
    /// <summary>The configuration's store (SQLite in <c>dataDir</c>, or PostgreSQL) and the audit log that writes to it.</summary>
    public static IServiceCollection AddGatehouseState(this IServiceCollection services, GatehouseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDependencyReadiness, StoreReadiness>());
        return services
            .AddGatehouseStore(options =>
            {
                options.DataDir = config.DataDir;
                options.PostgresConnectionString = config.Store.Postgres;
                options.SqliteSyncEveryCommit = config.Store.SqliteSyncEveryCommit;
                options.Timeout = config.Store.Timeout;
            })
            .AddGatehouseAudit(config);
    }
}
