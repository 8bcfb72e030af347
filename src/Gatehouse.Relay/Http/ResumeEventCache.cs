using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;

namespace Gatehouse.Relay.Http;

/// <summary>
/// The in-memory cache behind resumable streams, whose size limit counts what an entry really takes: its bytes, its
/// key and the cache's bookkeeping for it. <c>MemoryDistributedCache</c> counts only the bytes, and the events of a
/// stream are small (a few hundred bytes), so its 64 MiB limit let the store hold half as much again in memory.
/// </summary>
internal sealed class ResumeEventCache(long sizeLimitBytes) : IDistributedCache, IDisposable
{
    /// <summary>
    /// What one entry costs besides its value and key, in bytes: the cache's entry object, its dictionary node, the
    /// array's and the key string's headers. Rounded up, so that the limit is a ceiling rather than a target.
    /// </summary>
    internal const int EntryOverheadBytes = 320;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = sizeLimitBytes });

    /// <summary>The bytes an entry is counted as.</summary>
    internal static long SizeOf(string key, byte[] value) => value.Length + (2L * key.Length) + EntryOverheadBytes;

    public byte[]? Get(string key) => _cache.Get<byte[]>(key);

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

    /// <remarks>When the cache is full the entry is not kept, and the stream it belongs to cannot be resumed past it.</remarks>
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        _cache.Set(key, value, new MemoryCacheEntryOptions
        {
            AbsoluteExpiration = options.AbsoluteExpiration,
            AbsoluteExpirationRelativeToNow = options.AbsoluteExpirationRelativeToNow,
            SlidingExpiration = options.SlidingExpiration,
            Size = SizeOf(key, value),
        });
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Set(key, value, options);
        return Task.CompletedTask;
    }

    // Reading an entry is what slides its expiration.
    public void Refresh(string key) => _cache.TryGetValue(key, out _);

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Refresh(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => _cache.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Remove(key);
        return Task.CompletedTask;
    }

    public void Dispose() => _cache.Dispose();
}
