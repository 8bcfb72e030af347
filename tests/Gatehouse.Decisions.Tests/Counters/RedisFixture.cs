using StackExchange.Redis;

namespace Gatehouse.Decisions.Tests.Counters;

/// <summary>One connection to the test Redis for a test class; connecting per test would dominate the run time.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public static string ConnectionString { get; } = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_REDIS") is { Length: > 0 } configured
        ? configured
        : "127.0.0.1:6380";

    private IConnectionMultiplexer? _redis;
    private Exception? _error;

    /// <summary>The connection; fails the calling test, saying how to start Redis, when there is none.</summary>
    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException(
        $"Redis at {ConnectionString} (GATEHOUSE_TEST_REDIS) is unreachable ({_error?.Message.TrimEnd('.')}). Run scripts/start-redis.sh.", _error);

    public async Task InitializeAsync()
    {
        try
        {
            _redis = await ConnectionMultiplexer.ConnectAsync($"{ConnectionString},connectTimeout=2000");
        }
        catch (RedisConnectionException e)
        {
            // Kept rather than thrown: a fixture failure hides the hint; each test reports it instead.
            _error = e;
        }
    }

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
