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
/// <remarks>
/// Done once before the gateway serves requests, then, if the store could not be reached, again every few seconds in the
/// background: a gateway started while its store is down serves everything else and catches up once the store is back
/// (until then, a configured client's requests are refused as from an unknown client).
/// </remarks>
internal sealed partial class ConfiguredClients(IServiceProvider services, IOptions<OAuthServerOptions> options, TimeProvider time,
    ILogger<ConfiguredClients> logger) : BackgroundService
{
    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(5);

    /// <summary>Where a client came from: the configuration, so that one the operator removes is removed from the store too, or registration.</summary>
    internal const string SourceProperty = "gatehouse_source";
    internal const string FromConfiguration = "configuration";

    private bool _done;

    // Once before the gateway serves requests, so that a configured client works from its first request.
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _done = await TryAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_done)
        {
            await Task.Delay(s_retry, time, stoppingToken);
            _done = await TryAsync(stoppingToken);
        }
    }

    private async Task<bool> TryAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SynchroniseAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, s_retry.TotalSeconds);
            return false;
        }
    }

    private async Task SynchroniseAsync(CancellationToken cancellationToken)
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The OAuth clients of the configuration could not be brought into the store; trying again in {Seconds} s.")]
    private partial void LogFailed(Exception ex, double seconds);

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
