using System.Globalization;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Redis;

/// <summary>
/// Counters shared by every replica on one Redis, as exact sliding windows: each counter is a sorted set of its
/// admission times (at most <c>max</c> of them), so never more than <c>max</c> calls are admitted in any interval
/// of the window's length, across all replicas.
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
    // KEYS: the counters. ARGV: now (ms), a member unique to this call, then window (ms) and max per counter.
    // Returns {0} when admitted, else {index of the full counter (1-based), its oldest admission (ms)}.
    private const string Script = """
        local now = tonumber(ARGV[1])
        for i = 1, #KEYS do
          local window = tonumber(ARGV[1 + 2 * i])
          local max = tonumber(ARGV[2 + 2 * i])
          -- An admission counts while it is less than a window old.
          redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
          if redis.call('ZCARD', KEYS[i]) >= max then
            local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
            -- A counter with max 0 has no admission to wait for: tell the caller to retry after a whole window.
            return {i, oldest[2] or ARGV[1]}
          end
        end
        for i = 1, #KEYS do
          redis.call('ZADD', KEYS[i], now, ARGV[2])
          -- The newest admission is the last to leave the window: after that the key is empty, so Redis drops it.
          redis.call('PEXPIRE', KEYS[i], ARGV[1 + 2 * i])
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
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var keys = new RedisKey[counters.Count];
        var args = new RedisValue[2 + (2 * counters.Count)];
        args[0] = now;
        // Members of a sorted set are unique: two calls in the same millisecond need different members to count twice.
        args[1] = $"{now}:{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}";
        for (var i = 0; i < counters.Count; i++)
        {
            keys[i] = KeyPrefix + counters[i].Key;
            args[2 + (2 * i)] = WindowMilliseconds(counters[i]);
            args[3 + (2 * i)] = counters[i].Requirement.Max;
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

        var counter = counters[full - 1];
        var oldest = (long)double.Parse((string)reply[1]!, NumberStyles.Float, CultureInfo.InvariantCulture);
        var retryAfter = TimeSpan.FromMilliseconds(oldest + WindowMilliseconds(counter) - now);
        return new CounterOutcome(false, counter.Requirement, retryAfter);
    }

    // Redis scores are milliseconds; a window shorter than one would admit nothing useful, so it counts as one.
    private static long WindowMilliseconds(CounterKey counter) => Math.Max(1, (long)counter.Requirement.Window.TotalMilliseconds);
}
