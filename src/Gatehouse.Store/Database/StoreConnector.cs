using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Store.Database;

/// <summary>
/// Runs work on a fresh connection and turns every way the database can fail into
/// <see cref="StoreUnavailableException"/>, so that callers have exactly one failure to fail closed on.
/// </summary>
internal sealed partial class StoreConnector(IStoreBackend backend, StoreHealth health, ILogger<StoreConnector> logger)
{
    public StoreBackendKind Kind => backend.Kind;

    public Task<T> RunAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        TranslateAsync(async () =>
        {
            await using var connection = await backend.OpenConnectionAsync(cancellationToken);
            return await work(connection, cancellationToken);
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> on the database (a connection of the caller's own), its failures told as <see cref="StoreUnavailableException"/>.</summary>
    public async Task<T> TranslateAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            var result = await work();
            health.Answered();
            return result;
        }
        catch (Exception e) when (IsDatabaseFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            health.Failed(e.Message);
            LogUnavailable(logger, backend.Description, e.Message);
            throw new StoreUnavailableException(backend.Kind, $"The state store ({backend.Description}) is unavailable: {e.Message}", e);
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
