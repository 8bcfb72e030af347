using System.Security.Cryptography;
using Gatehouse.Policy;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Gatehouse.Decisions.Redis;

/// <summary>
/// Counters shared by every replica on one Redis. A sliding-window counter is a sorted set of its admission
/// times (at most <c>max</c> of them), so never more than <c>max</c> calls are admitted in any interval of the
/// window's length, across all replicas; a smooth counter is one value, the time it next has room.
/// </summary>
/// <remarks>
/// <para>
/// The time is the caller's (<see cref="TimeProvider"/>), not Redis's, so tests can drive it; replicas must
/// therefore keep their clocks in sync (NTP): a replica whose clock runs behind sees older admissions as still
/// in the window and refuses more, never admits more than it should for that clock.
/// </para>
/// <para>
/// A Redis that stops answering (a hang, a partition) is known to be down once calls time out: a circuit breaker
/// then refuses at once, rather than making every limited call wait out <c>counters.timeout</c>, and lets one call
/// through every second to find out whether it is back.
/// </para>
/// </remarks>
public sealed class RedisCounterStore : ICounterStore
{
    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly ResiliencePipeline _breaker;

    /// <summary>Counters on <paramref name="redis"/>, timed by <paramref name="time"/>.</summary>
    public RedisCounterStore(IConnectionMultiplexer redis, TimeProvider time)
    {
        _redis = redis;
        _time = time;
        _breaker = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<RedisTimeoutException>().Handle<RedisConnectionException>(),
            // Every call of the last two seconds failed, and there were at least two of them.
            FailureRatio = 1.0,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromSeconds(2),
            BreakDuration = TimeSpan.FromSeconds(1),
            StateProvider = _circuit,
        }).Build();
    }

    /// <summary>Whether Redis is connected and has not been refusing calls as known to be down.</summary>
    public bool Answering => _redis.IsConnected && _circuit.CircuitState is CircuitState.Closed or CircuitState.HalfOpen;

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
        if (!_redis.IsConnected)
        {
            // Known to be down: refused now, rather than queued until the client's own timeout gives up on it.
            // The client reconnects by itself meanwhile, and the first call after it does is counted again.
            throw new CounterStoreUnavailableException("Redis counter store is not connected");
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
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
            result = await _breaker.ExecuteAsync(
                static async (call, token) => await call.Redis.GetDatabase().ScriptEvaluateAsync(Script, call.Keys, call.Args).WaitAsync(token).ConfigureAwait(false),
                (Redis: _redis, Keys: keys, Args: args), cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException e)
        {
            throw new CounterStoreUnavailableException("Redis counter store did not answer in time and is refused without waiting for it", e);
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
