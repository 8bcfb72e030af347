namespace Gatehouse.Relay;

/// <summary>Limits of the relay's HTTP front.</summary>
public sealed class RelayHttpOptions
{
    /// <summary>The largest JSON-RPC message body accepted, in bytes; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Host header values accepted besides loopback names (DNS-rebinding protection).</summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Origin header values accepted besides loopback origins.</summary>
    public IList<string> AllowedOrigins { get; } = [];
}
