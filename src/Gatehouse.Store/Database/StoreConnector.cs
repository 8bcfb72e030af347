using System.Data.Common;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace Gatehouse.Store.Database;

/// <summary>
/// Runs work on a fresh connection and turns every way the database can fail into
/// <see cref="StoreUnavailableException"/>, so that callers have exactly one failure to fail closed on.
/// </summary>
/// <remarks>
/// A store that keeps failing is known to be down: a circuit breaker then refuses work at once, instead of making
/// every call wait out its own timeout against a database that hangs, and lets one request through every second
/// to find out whether it is back.
/// </remarks>
internal sealed partial class StoreConnector
{
    private readonly IStoreBackend _backend;
    private readonly StoreHealth _health;
    private readonly ILogger<StoreConnector> _logger;
    private readonly ResiliencePipeline _breaker;

    public StoreConnector(IStoreBackend backend, StoreHealth health, ILogger<StoreConnector> logger)
    {
        _backend = backend;
        _health = health;
        _logger = logger;
        _breaker = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsDatabaseFailure),
            // Every request of the last two seconds failed, and there were at least two of them.
            FailureRatio = 1.0,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromSeconds(2),
            BreakDuration = TimeSpan.FromSeconds(1),
        }).Build();
    }

    public StoreBackendKind Kind => _backend.Kind;

    public Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        TranslateAsync(async () =>
        {
            await using var connection = await _backend.OpenConnectionAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on the database (a connection of the caller's own), its failures told as <see cref="StoreUnavailableException"/>.</summary>
    public async Task<T> TranslateAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _breaker.ExecuteAsync(static async (run, _) => await run(), work, cancellationToken);
            _health.Answered();
            return result;
        }
        catch (BrokenCircuitException e) when (!cancellationToken.IsCancellationRequested)
        {
            var outage = _health.Current;
            throw new StoreUnavailableException(_backend.Kind,
                $"The state store ({_backend.Description}) is unavailable since {outage?.Since:u} ({outage?.Reason}); refused without waiting for it", e);
        }
        catch (Exception e) when (IsDatabaseFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            _health.Failed(e.Message);
            LogUnavailable(_logger, _backend.Description, e.Message);
            throw new StoreUnavailableException(_backend.Kind, $"The state store ({_backend.Description}) is unavailable: {e.Message}", e);
        }
    }

    // DbException covers refused connections, timeouts and SQL errors of both providers; the others come from
    // reaching the SQLite file. A SQL error is a bug rather than an outage, but either way the store cannot
    // answer, and the caller must refuse rather than guess.
    private static bool IsDatabaseFailure(Exception e) =>
        e is DbException or IOException or UnauthorizedAccessException or TimeoutException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The state store ({Store}) is unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string store, string reason);
}
