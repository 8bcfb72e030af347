namespace Gatehouse.Store.Database;

/// <summary>Chooses the backend that validated <see cref="StoreOptions"/> name.</summary>
internal static class StoreBackendFactory
{
    public static IStoreBackend Create(StoreOptions options) => options.Backend switch
    {
        StoreBackendKind.Postgres => new PostgresBackend(options.PostgresConnectionString!, options.Timeout),
        _ => new SqliteBackend(options.ResolveSqlitePath()
            ?? throw new InvalidOperationException("The SQLite store needs DataDir or SqlitePath."), options.SqliteSyncEveryCommit),
    };
}
