using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gatehouse.OAuth;

/// <summary>
/// Each new metadata document URL presented at the authorization endpoint fetches a document and adds a client, so new
/// ones are limited per remote address like registration: <see cref="OAuthServerOptions.RegistrationsPerMinute"/> a minute,
/// counted by <see cref="RegistrationRateLimit.PartitionOf"/>. Clients already known are not counted.
/// </summary>
/// <remarks>Held in memory: each replica counts on its own.</remarks>
internal sealed class ClientAdmissionRateLimit(IOptions<OAuthServerOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(partition =>
        RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.RegistrationsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Takes one admission for <paramref name="address"/>; why it is refused, or null.</summary>
    public string? TryAdmit(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(RegistrationRateLimit.PartitionOf(address));
        if (lease.IsAcquired)
        {
            return null;
        }

        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
        return $"Too many new clients with a metadata document from this address: at most {options.Value.RegistrationsPerMinute} a minute. Try again in {seconds} s.";
    }

    public void Dispose() => _limiter.Dispose();
}
