using System.Security.Claims;
using Gatehouse.Configuration;
using Gatehouse.OAuth;
using Gatehouse.OAuth.SignIn;
using Gatehouse.Relay;
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
            // People sign in with the provider the console signs operators in with, registered the same way.
            if (config.Console.Oidc is { } oidc && config.Auth.Jwt is { } jwt)
            {
                options.Provider = new OAuthProviderSignIn
                {
                    Issuer = jwt.Issuer,
                    ClientId = oidc.ClientId,
                    ClientSecret = oidc.ClientSecret,
                    Scopes = oidc.Scopes,
                    IdentityClaim = jwt.IdentityClaim,
                };
            }

            options.LocalSignIn = config.OAuth.LocalSignIn;
            foreach (var client in config.OAuth.Clients)
            {
                options.Clients.Add(new OAuthClientRegistration(client.ClientId, client.RedirectUris, client.ClientSecret, client.DisplayName));
            }
        });
        services.AddSingleton<IOAuthGrants, GrantsOfTheGateway>();
        return services;
    }

    /// <summary>The grant the gateway will find for a person's token, for the consent page to name, and the scopes its grants name.</summary>
    private sealed class GrantsOfTheGateway(IAccessCheck access, IScopeCheck scopes) : IOAuthGrants
    {
        public string? GrantFor(string server, ClaimsPrincipal person) => access.GrantFor(server, person);

        public IReadOnlyList<string> ScopesOf(string server) => scopes.ScopesOf(server);
    }
}
