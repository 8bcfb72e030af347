using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol;

namespace Gatehouse.Relay.Http;

/// <summary>
/// DNS-rebinding protection: a web page whose name an attacker points at 127.0.0.1 reaches the gateway with
/// its own name in Host and Origin, so only loopback names and the ones the operator lists are let in.
/// </summary>
internal sealed partial class LoopbackGuardMiddleware(RequestDelegate next, IOptions<RelayHttpOptions> options, ILogger<LoopbackGuardMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue || !IsAllowedHost(host.Host))
        {
            LogRefused("Host", host.Value ?? "");
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status403Forbidden, McpErrorCode.InvalidRequest,
                $"Forbidden: Host '{host.Value}' is not allowed. Add it to \"http\": {{ \"allowedHosts\": [...] }} to reach Gatehouse by that name.");
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsAllowedOrigin(origin))
        {
            LogRefused("Origin", origin);
            await JsonRpcHttp.WriteErrorAsync(context, StatusCodes.Status403Forbidden, McpErrorCode.InvalidRequest,
                $"Forbidden: Origin '{origin}' is not allowed. Add it to \"http\": {{ \"allowedOrigins\": [...] }} to let that web page call Gatehouse.");
            return;
        }

        await next(context);
    }

    private bool IsAllowedHost(string host) =>
        IsLoopbackName(host) || options.Value.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    private bool IsAllowedOrigin(string origin) =>
        options.Value.AllowedOrigins.Contains(origin.TrimEnd('/'), StringComparer.OrdinalIgnoreCase) ||
        (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && IsLoopbackName(uri.Host));

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request whose {Header} header was '{Value}' (DNS-rebinding protection).")]
    private partial void LogRefused(string header, string value);
}
