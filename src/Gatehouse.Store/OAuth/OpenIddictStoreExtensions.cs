using Gatehouse.Store;
using Gatehouse.Store.OAuth;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps OpenIddict's clients, authorizations and tokens in Gatehouse's store, as its Entity Framework integration would in a database of its own.</summary>
public static class OpenIddictStoreExtensions
{
    /// <summary>
    /// Registers stores over Gatehouse's store (SQLite, or PostgreSQL shared by every replica) for OpenIddict's
    /// applications, authorizations and tokens. There is no scope store: scopes are validated by the server's own rules.
    /// The stores answer OpenIddict's named look-ups; its LINQ overloads throw <see cref="NotSupportedException"/>.
    /// </summary>
    public static OpenIddictCoreBuilder UseGatehouseStore(this OpenIddictCoreBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddGatehouseStore();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IOAuthClientUse, OAuthClientUse>();
        return builder
            .SetDefaultApplicationEntity<OAuthApplication>()
            .SetDefaultAuthorizationEntity<OAuthAuthorization>()
            .SetDefaultTokenEntity<OAuthToken>()
            .ReplaceApplicationStore<OAuthApplication, OAuthApplicationStore>(ServiceLifetime.Singleton)
            .ReplaceAuthorizationStore<OAuthAuthorization, OAuthAuthorizationStore>(ServiceLifetime.Singleton)
            .ReplaceTokenStore<OAuthToken, OAuthTokenStore>(ServiceLifetime.Singleton);
    }
}
