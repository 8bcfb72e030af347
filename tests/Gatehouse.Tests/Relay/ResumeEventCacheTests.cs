using Gatehouse.Relay.Http;
using Microsoft.Extensions.Caching.Distributed;

namespace Gatehouse.Tests.Relay;

/// <summary>The resumable-stream store's limit bounds the memory its events really take, not only their bytes.</summary>
public sealed class ResumeEventCacheTests
{
    private static readonly DistributedCacheEntryOptions s_options = new() { SlidingExpiration = TimeSpan.FromMinutes(5) };

    [Fact]
    public void Small_events_count_their_keys_and_bookkeeping_so_a_full_store_stops_keeping_them()
    {
        var value = new byte[100];
        using var cache = new ResumeEventCache(10 * ResumeEventCache.SizeOf(Key(0), value));

        // 20 events of 100 bytes are 2,000 bytes: far below the limit if only their bytes counted.
        for (var i = 0; i < 20; i++)
        {
            cache.Set(Key(i), value, s_options);
        }

        var kept = Enumerable.Range(0, 20).Count(i => cache.Get(Key(i)) is not null);
        Assert.InRange(kept, 1, 10);
    }

    [Fact]
    public void An_entry_is_counted_as_its_bytes_its_key_and_the_cache_overhead()
    {
        Assert.Equal(100 + (2 * 5) + ResumeEventCache.EntryOverheadBytes, ResumeEventCache.SizeOf("abcde", new byte[100]));
    }

    [Fact]
    public void Removed_events_are_gone_and_others_stay()
    {
        using var cache = new ResumeEventCache(1024 * 1024);
        cache.Set("a", [1], s_options);
        cache.Set("b", [2], s_options);
        cache.Remove("a");
        Assert.Null(cache.Get("a"));
        Assert.Equal([2], cache.Get("b"));
    }

    // Shaped like the SDK's keys: a prefix, the session, the stream and the event's sequence number.
    private static string Key(int sequence) => $"mcp:sse:event:0123456789abcdef0123456789abcdef:stream-1:{sequence:D6}";
}
