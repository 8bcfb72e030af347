using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.OAuth;

/// <summary>
/// Dynamic registration creates a row for anyone who asks: ASP.NET Core's rate limiter lets each remote address
/// register <see cref="OAuthServerOptions.RegistrationsPerMinute"/> clients a minute, and answers more 429 with Retry-After.
/// </summary>
/// <remarks>
/// An IPv6 address counts by its /48, the block one customer is commonly given whole (a /64 would let one of them
/// register from 65,536 of its subnets). Behind a proxy every client shares the proxy's address, and so its limit.
/// The count is held in memory: each replica counts on its own.
/// </remarks>
internal static class RegistrationRateLimit
{
    /// <summary>The name of the rate-limiting policy of <see cref="OAuthPaths.Registration"/>.</summary>
    public const string Policy = "gatehouse-oauth-registration";

    public static void Configure(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(Policy, context =>
        {
            var perMinute = context.RequestServices.GetRequiredService<IOptions<OAuthServerOptions>>().Value.RegistrationsPerMinute;
            return RateLimitPartition.GetFixedWindowLimiter(PartitionOf(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
        });
        // Registration is the only endpoint Gatehouse rate-limits through ASP.NET Core, so the one rejection speaks of it.
        limiter.OnRejected = RejectAsync;
    }

    /// <summary>The address a limit counts by: an IPv4 address, or the /48 of an IPv6 address.</summary>
    internal static string PartitionOf(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 6, 10);
        return new IPAddress(bytes) + "/48";
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        var perMinute = context.HttpContext.RequestServices.GetRequiredService<IOptions<OAuthServerOptions>>().Value.RegistrationsPerMinute;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await response.WriteAsJsonAsync(new
        {
            error = "temporarily_unavailable",
            error_description = $"Too many clients registered from this address: at most {perMinute} a minute. Try again in {seconds} s.",
        }, cancellationToken);
    }
}
