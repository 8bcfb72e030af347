using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Store.Database;

/// <summary>An embedded SQLite file, shared safely by the processes of one machine.</summary>
internal sealed class SqliteBackend(string path, bool syncEveryCommit = true) : IStoreBackend
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
    }.ToString();

    private volatile bool _directoryMade;

    public StoreBackendKind Kind => StoreBackendKind.Sqlite;

    public string Description => $"SQLite at {path}";

    // WAL lets readers (every key check) proceed while another process writes. The mode is stored in the
    // file, so setting it once per migration pass covers every later connection of every process.
    public string? PrepareSql => "PRAGMA journal_mode = WAL;";

    // In WAL mode, NORMAL syncs only at checkpoints: a commit survives the process, not a power cut. FULL syncs
    // the WAL on every commit. The setting belongs to the connection (and stays with it in the pool); FULL is
    // e_sqlite3's default today, but a promise of durability must not hang on how a native library was built.
    public string? DurableWritesSql => syncEveryCommit ? "PRAGMA synchronous = FULL;" : "PRAGMA synchronous = NORMAL;";

    // The write-ahead log's fsync moved out of the commit: the same flush, at a time the writer picks.
    public DeferredFlush? DeferredFlush { get; } = syncEveryCommit
        ? new("PRAGMA synchronous = NORMAL;", () => new WriteAheadLogFlush(path), Discard)
        : null;

    // Emptying the pool closes the connection for good when it is disposed, rather than keeping it for the next caller.
    private static void Discard(DbConnection connection)
    {
        SqliteConnection.ClearPool((SqliteConnection)connection);
        connection.Dispose();
    }

    // BEGIN IMMEDIATE takes SQLite's single write lock up front. A deferred transaction would start as a reader
    // and could fail with SQLITE_BUSY_SNAPSHOT when it later writes after another process did, which is not retried.
    public Task<DbTransaction> BeginSerializedTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        // Once the file exists its directory does: every key check and audit commit need not ask the file system again.
        if (!_directoryMade && Path.GetDirectoryName(path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
            _directoryMade = true;
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
