using System.Net.Sockets;
using Gatehouse.Configuration;

namespace Gatehouse.Relay;

/// <summary>Whether each upstream could be reached now, without opening an MCP session on it.</summary>
public sealed class UpstreamReadiness(GatehouseConfig config)
{
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>One line per server: ready or not, and why.</summary>
    public async Task<IReadOnlyDictionary<string, UpstreamState>> CheckAsync(CancellationToken cancellationToken)
    {
        var checks = config.McpServers.Values
            .Select(async server => (server.Name, State: await CheckAsync(server, cancellationToken).ConfigureAwait(false)));
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        return results.ToDictionary(r => r.Name, r => r.State, StringComparer.Ordinal);
    }

    private static async Task<UpstreamState> CheckAsync(UpstreamServerConfig server, CancellationToken cancellationToken)
    {
        if (server.Disabled)
        {
            return new(true, "disabled in the configuration");
        }

        return server.Kind == UpstreamKind.Stdio
            ? CommandResolver.Find(server) is { } path ? new(true, $"command found at {path}") : new(false, $"command '{server.Command}' not found")
            : await TryConnectAsync(server.Url!, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<UpstreamState> TryConnectAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_connectTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(url.Host, url.Port, timeout.Token).ConfigureAwait(false);
            return new(true, $"{url.Host}:{url.Port} accepts connections");
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return new(false, $"{url.Host}:{url.Port} does not accept connections");
        }
    }
}

/// <summary>An upstream's readiness and a word on why.</summary>
public sealed record UpstreamState(bool Ready, string Detail);
