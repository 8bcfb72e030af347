using Gatehouse.Configuration;
using Gatehouse.Relay;
using Gatehouse.Relay.Accounts;
using Gatehouse.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gatehouse.Hosting;

/// <summary>
/// The state every Gatehouse process shares through its store and <c>dataDir</c>: API keys, held calls, the audit log,
/// people's upstream tokens and the keys that seal them.
/// </summary>
public static class StateServices
{
    /// <summary>The configuration's store (SQLite in <c>dataDir</c>, or PostgreSQL) and the audit log that writes to it.</summary>
    public static IServiceCollection AddGatehouseState(this IServiceCollection services, GatehouseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDependencyReadiness, StoreReadiness>());
        // In place of the relay's in-memory tokens: people's upstream tokens then survive restarts and are shared by every gateway process.
        services.Replace(ServiceDescriptor.Singleton<IUpstreamTokenVault, SealedUpstreamTokens>());
        // The keys they are sealed with (and connect links signed with), the same for every process of this dataDir: a person
        // who connected through the HTTP gateway is connected for `gatehouse stdio` too.
        services.AddGatehouseDataProtection(config);
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
