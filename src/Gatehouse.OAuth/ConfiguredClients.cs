using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth;

/// <summary>
/// Brings the clients the operator registered into the store at start-up: each created, or updated to what the
/// configuration says now, and those removed from it deleted with their tokens. Clients that registered themselves are left alone.
/// </summary>
internal sealed partial class ConfiguredClients(IServiceProvider services, IOptions<OAuthServerOptions> options, ILogger<ConfiguredClients> logger)
    : IHostedService
{
    // Marks a client as the configuration's, so that one the operator removes is removed from the store too.
    private const string SourceProperty = "gatehouse_source";
    private const string FromConfiguration = "configuration";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var configured = options.Value.Clients.ToDictionary(c => c.ClientId, StringComparer.Ordinal);
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            var properties = await applications.GetPropertiesAsync(application, cancellationToken);
            var clientId = await applications.GetClientIdAsync(application, cancellationToken);
            if (properties.TryGetValue(SourceProperty, out var source) && source.GetString() == FromConfiguration && !configured.ContainsKey(clientId!))
            {
                await applications.DeleteAsync(application, cancellationToken);
                LogRemoved(clientId!);
            }
        }

        foreach (var client in configured.Values)
        {
            var descriptor = Describe(client);
            if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is { } existing)
            {
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
            }
            else
            {
                await applications.CreateAsync(descriptor, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static OpenIddictApplicationDescriptor Describe(OAuthClientRegistration client)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = client.ClientSecret,
            ClientType = client.ClientSecret is null ? ClientTypes.Public : ClientTypes.Confidential,
            DisplayName = client.DisplayName,
            Properties = { [SourceProperty] = JsonSerializer.SerializeToElement(FromConfiguration) },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var uri in client.RedirectUris)
        {
            descriptor.RedirectUris.Add(uri);
        }

        descriptor.Permissions.UnionWith(OAuthClientPermissions.All);
        return descriptor;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The OAuth client '{ClientId}' is no longer in the configuration: removed with its tokens.")]
    private partial void LogRemoved(string clientId);
}

/// <summary>What every client may do at Gatehouse: the authorization-code flow with refresh tokens, and revoking its tokens.</summary>
internal static class OAuthClientPermissions
{
    public static readonly string[] All =
    [
        Permissions.Endpoints.Authorization,
        Permissions.Endpoints.Token,
        Permissions.Endpoints.Revocation,
        Permissions.GrantTypes.AuthorizationCode,
        Permissions.GrantTypes.RefreshToken,
        Permissions.ResponseTypes.Code,
    ];
}
