using StackExchange.Redis;

namespace Gatehouse.Decisions.Benchmarks;

/// <summary>The Redis the benchmarks use: the test Redis that scripts/start-redis.sh starts, unless GATEHOUSE_TEST_REDIS names another.</summary>
public static class BenchmarkRedis
{
    public static string Configuration { get; } = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_REDIS") is { Length: > 0 } configured
        ? configured
        : "127.0.0.1:6380";

    public static ConnectionMultiplexer Connect()
    {
        try
        {
            return ConnectionMultiplexer.Connect($"{Configuration},connectTimeout=2000");
        }
        catch (RedisConnectionException e)
        {
            throw new InvalidOperationException($"Redis at {Configuration} (GATEHOUSE_TEST_REDIS) is unreachable. Run scripts/start-redis.sh.", e);
        }
    }

    /// <summary>A counter-name prefix of this run's own, so runs never share a budget on one Redis.</summary>
    public static string RunPrefix() => $"bench-{Guid.NewGuid():N}-";
}
