using System.Security.Cryptography;
using Gatehouse.Policy;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Redis;

/// <summary>
/// Counters shared by every replica on one Redis. A sliding-window counter is a sorted set of its admission
/// times (at most <c>max</c> of them), so never more than <c>max</c> calls are admitted in any interval of the
/// window's length, across all replicas; a smooth counter is one value, the time it next has room.
/// </summary>
/// <remarks>
/// The time is the caller's (<see cref="TimeProvider"/>), not Redis's, so tests can drive it; replicas must
/// therefore keep their clocks in sync (NTP): a replica whose clock runs behind sees older admissions as still
/// in the window and refuses more, never admits more than it should for that clock.
/// </remarks>
public sealed class RedisCounterStore(IConnectionMultiplexer redis, TimeProvider time) : ICounterStore
{
    /// <summary>Prefix of every counter's key, so counters never clash with other data on a shared Redis.</summary>
    public const string KeyPrefix = "gatehouse:counter:";

    // One script per decision: Redis runs it atomically, so the check and the consumption of all counters
    // cannot interleave with another replica's, and a refused call consumes none.
    // KEYS: the counters. ARGV: now (ms), a member unique to this call, then window (ms), max and algorithm
    // (0 sliding window, 1 smooth) per counter.
    // Returns {0} when admitted, else {index of the full counter (1-based), milliseconds until it has room}.
    // A sliding-window counter is a sorted set of admission times; a smooth one is the time it next has room.
    private const string Script = """
        local now = tonumber(ARGV[1])
        for i = 1, #KEYS do
          local window = tonumber(ARGV[3 * i])
          local max = tonumber(ARGV[1 + 3 * i])
          if ARGV[2 + 3 * i] == '1' then
            local free = tonumber(redis.call('GET', KEYS[i]) or '0')
            if free > now then
              return {i, math.ceil(free - now)}
            end
          else
            -- An admission counts while it is less than a window old.
            redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
            if redis.call('ZCARD', KEYS[i]) >= max then
              local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
              return {i, math.ceil(tonumber(oldest[2]) + window - now)}
            end
          end
        end
        for i = 1, #KEYS do
          local window = tonumber(ARGV[3 * i])
          if ARGV[2 + 3 * i] == '1' then
            local spacing = window / tonumber(ARGV[1 + 3 * i])
            -- Once that time has passed the counter has room whatever it holds, so Redis may drop it.
            redis.call('SET', KEYS[i], tostring(now + spacing), 'PX', math.max(1, math.ceil(spacing)))
          else
            redis.call('ZADD', KEYS[i], now, ARGV[2])
            -- The newest admission is the last to leave the window: after that the key is empty, so Redis drops it.
            redis.call('PEXPIRE', KEYS[i], window)
          end
        end
        return {0}
        """;

    /// <inheritdoc />
    public async ValueTask<CounterOutcome> TryConsumeAsync(IReadOnlyList<CounterKey> counters, CancellationToken cancellationToken)
    {
        if (counters.Count == 0)
        {
            return CounterOutcome.Admit;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!redis.IsConnected)
        {
            // Known to be down: refused now, rather than queued until the client's own timeout gives up on it.
            // The client reconnects by itself meanwhile, and the first call after it does is counted again.
            throw new CounterStoreUnavailableException("Redis counter store is not connected");
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var keys = new RedisKey[counters.Count];
        var args = new RedisValue[2 + (3 * counters.Count)];
        args[0] = now;
        // Members of a sorted set are unique: two calls in the same millisecond need different members to count twice.
        args[1] = $"{now}:{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}";
        for (var i = 0; i < counters.Count; i++)
        {
            keys[i] = KeyPrefix + counters[i].Key;
            args[2 + (3 * i)] = WindowMilliseconds(counters[i]);
            args[3 + (3 * i)] = counters[i].Requirement.Max;
            args[4 + (3 * i)] = counters[i].Requirement.Algorithm == CounterAlgorithm.Smooth ? 1 : 0;
        }

        RedisResult result;
        try
        {
            // The client takes no token; abandoning the wait is all cancellation can do, and the script may still
            // consume budget, which errs on the side of admitting fewer calls, never more.
            result = await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, args).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
        {
            throw new CounterStoreUnavailableException($"Redis counter store is unreachable: {e.Message}", e);
        }

        var reply = (RedisResult[])result!;
        var full = (int)reply[0];
        if (full == 0)
        {
            return CounterOutcome.Admit;
        }

        return new CounterOutcome(false, counters[full - 1].Requirement, TimeSpan.FromMilliseconds((long)reply[1]));
    }

    // Redis scores are milliseconds; a window shorter than one would admit nothing useful, so it counts as one.
    private static long WindowMilliseconds(CounterKey counter) => Math.Max(1, (long)counter.Requirement.Window.TotalMilliseconds);
}
