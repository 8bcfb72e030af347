using Gatehouse.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Gatehouse.Authentication;

/// <summary>
/// The signing keys published at <c>auth.jwt.jwksUrl</c>, fetched at start-up and every ten minutes, so that a
/// provider's key rotation reaches Gatehouse without a restart.
/// </summary>
internal sealed partial class JwksKeys(GatehouseConfig config, IHttpClientFactory httpClients, TimeProvider time, ILogger<JwksKeys> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_refreshInterval = TimeSpan.FromMinutes(10);
    private volatile IReadOnlyList<SecurityKey> _keys = [];

    public IReadOnlyList<SecurityKey> Keys => _keys;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (config.Auth.Jwt?.JwksUrl is not { } url)
        {
            return;
        }

        using var timer = new PeriodicTimer(s_refreshInterval, time);
        do
        {
            try
            {
                var json = await httpClients.CreateClient(nameof(JwksKeys)).GetStringAsync(url, stoppingToken);
                _keys = [.. new JsonWebKeySet(json).GetSigningKeys()];
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The keys in hand stay in force; tokens signed by keys never fetched are refused (fail closed).
                LogRefreshFailed(ex, url);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching the JWT signing keys from {Url} failed.")]
    private partial void LogRefreshFailed(Exception ex, Uri url);
}
