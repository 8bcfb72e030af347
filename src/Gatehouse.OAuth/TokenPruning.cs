using Gatehouse.Store.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;

namespace Gatehouse.OAuth;

/// <summary>
/// Removes, every hour, codes and tokens that can no longer be used (redeemed, revoked, expired) and authorizations that
/// no longer stand, once they are a day old: each code exchange and refresh adds rows, and nothing else would remove them.
/// Then it removes the clients that registered themselves or came with a metadata document and that nobody has used for
/// <see cref="OAuthServerOptions.UnusedClientLifetime"/>, or that were never issued a code or token within
/// <see cref="OAuthServerOptions.NeverIssuedClientLifetime"/>, once none of their tokens or authorizations is left.
/// </summary>
/// <remarks>
/// A day's grace keeps a redeemed code or refresh token in the store long enough for its reuse to be recognised as
/// such (and the tokens issued from it revoked) rather than as an unknown token. Several replicas may prune at once: a
/// row is removed by whichever gets there first. Configured clients are never removed here.
/// </remarks>
internal sealed partial class TokenPruning(IServiceProvider services, IOptions<OAuthServerOptions> options, TimeProvider time, ILogger<TokenPruning> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_grace = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store may be down; the next hour tries again, and nothing depends on the rows being gone.
                LogFailed(ex);
            }
        }
    }

    internal async Task PruneAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        var now = time.GetUtcNow();
        var threshold = now - s_grace;
        var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, cancellationToken);
        var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken);
        LogPruned(tokens, authorizations);

        var use = scope.ServiceProvider.GetRequiredService<IOAuthClientUse>();
        var unusedSince = now - options.Value.UnusedClientLifetime;
        var neverIssuedSince = now - options.Value.NeverIssuedClientLifetime;
        foreach (var clientId in await SelfRegisteredClients.ListAsync(scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>(), cancellationToken))
        {
            if (await use.RemoveIfUnusedAsync(clientId, unusedSince, neverIssuedSince, cancellationToken))
            {
                LogClientRemoved(clientId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Removed {Tokens} OAuth codes and tokens and {Authorizations} authorizations that can no longer be used.")]
    private partial void LogPruned(long tokens, long authorizations);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed the OAuth client {ClientId}, which was not configured and fell out of use or was never used.")]
    private partial void LogClientRemoved(string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing used and expired OAuth tokens failed; trying again in an hour.")]
    private partial void LogFailed(Exception ex);
}
