using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;

namespace Gatehouse.Relay.Http;

#pragma warning disable MCP9006 // Resumable streams are marked legacy with stateful HTTP, which a relay of sessions is.

/// <summary>
/// Keeps the events of Streamable HTTP responses for a while, so a client whose connection dropped mid-call
/// can resume with <c>Last-Event-ID</c> instead of losing the answer.
/// </summary>
internal sealed class ResumableStreams
{
    public ResumableStreams(IOptions<RelayHttpOptions> options, ILoggerFactory loggerFactory)
    {
        var window = options.Value.ResumeWindow;
        if (window <= TimeSpan.Zero)
        {
            return;
        }

        Store = new DistributedCacheEventStreamStore(Options.Create(new DistributedCacheEventStreamStoreOptions
        {
            Cache = new ResumeEventCache(options.Value.ResumeBufferBytes),
            EventSlidingExpiration = window,
            EventAbsoluteExpiration = window * 2,
            MetadataSlidingExpiration = window,
            MetadataAbsoluteExpiration = window * 2,
        }), loggerFactory.CreateLogger<DistributedCacheEventStreamStore>());
    }

    /// <summary>The store, or null when the operator turned resumable streams off.</summary>
    public ISseEventStreamStore? Store { get; }

    /// <summary>Writes the events after the one a client last saw to <paramref name="destination"/>.</summary>
    public static Task ReplayAsync(ISseEventStreamReader reader, Stream destination, CancellationToken cancellationToken) =>
        SseFormatter.WriteAsync(reader.ReadEventsAsync(cancellationToken), destination, static (item, buffer) =>
        {
            // A priming event has no message: only its id, so the client learns where to resume from.
            if (item.Data is { } message)
            {
                using var json = new Utf8JsonWriter(buffer);
                JsonSerializer.Serialize(json, message, JsonRpcHttp.MessageType);
            }
        }, cancellationToken);
}
