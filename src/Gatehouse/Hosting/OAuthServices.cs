using Gatehouse.Configuration;
using Gatehouse.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Hosting;

/// <summary>Gatehouse as the authorization server of its MCP endpoints, when <c>oauth</c> is configured.</summary>
public static class OAuthServices
{
    /// <summary>Adds the authorization server with the configuration's <c>oauth</c> section, or nothing when it is off.</summary>
    public static IServiceCollection AddGatehouseOAuth(this IServiceCollection services, GatehouseConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.OAuth.Enabled)
        {
            return services;
        }

        services.AddGatehouseOAuthServer(options =>
        {
            options.Issuer = config.OAuth.Issuer;
            options.AccessTokenLifetime = config.OAuth.AccessTokenLifetime;
            options.RefreshTokenLifetime = config.OAuth.RefreshTokenLifetime;
            options.Servers.UnionWith(config.McpServers.Keys);
            options.Registration = config.OAuth.DynamicRegistration switch
            {
                DynamicRegistration.Any => OAuthRegistrationPolicy.Any,
                DynamicRegistration.Off => OAuthRegistrationPolicy.Off,
                _ => OAuthRegistrationPolicy.Loopback,
            };
            options.MetadataDocuments = config.OAuth.ClientMetadataDocuments.Enabled;
            options.AllowPrivateAddresses = config.OAuth.ClientMetadataDocuments.AllowPrivateAddresses;
            foreach (var client in config.OAuth.Clients)
            {
                options.Clients.Add(new OAuthClientRegistration(client.ClientId, client.RedirectUris, client.ClientSecret, client.DisplayName));
            }
        });
        return services;
    }
}
