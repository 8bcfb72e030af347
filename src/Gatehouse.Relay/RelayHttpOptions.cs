namespace Gatehouse.Relay;

/// <summary>Limits of the relay's HTTP front.</summary>
public sealed class RelayHttpOptions
{
    /// <summary>The largest JSON-RPC message body accepted, in bytes; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How long the events of a Streamable HTTP response stay replayable after a client's connection drops
    /// (<c>Last-Event-ID</c>); zero turns resumable streams off. Each event is kept in memory that long.
    /// </summary>
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The most memory replayable events may take, in bytes, counting each event's key and the cache's bookkeeping
    /// for it as well as its bytes; when it is full, new events are not kept (their streams just cannot be
    /// resumed), so a busy gateway's memory stays bounded.
    /// </summary>
    public long ResumeBufferBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Host header values accepted besides loopback names (DNS-rebinding protection).</summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>Origin header values accepted besides loopback origins.</summary>
    public IList<string> AllowedOrigins { get; } = [];
}
