using Microsoft.Data.Sqlite;

namespace Gatehouse.Demo.Data;

/// <summary>The demo's SQLite file: every read and write runs in its own transaction.</summary>
internal sealed class DemoDatabase
{
    private readonly string _connectionString;

    private DemoDatabase(string connectionString) => _connectionString = connectionString;

    /// <summary>Opens the database at <paramref name="path"/>, creating and seeding it the first time.</summary>
    /// <returns>The database, and whether this call seeded it.</returns>
    public static (DemoDatabase Database, bool Seeded) Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);

        var database = new DemoDatabase(ConnectionString(fullPath, SqliteOpenMode.ReadWriteCreate));
        var seeded = database.Write(DemoSchema.EnsureCreated);
        return (database, seeded);
    }

    /// <summary>
    /// Pooling is off so that no handle outlives a call: the host and the tests delete or inspect the
    /// file while no server runs, and the demo's load is far too small for pooling to matter.
    /// </summary>
    public static string ConnectionString(string fullPath, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = fullPath,
        Mode = mode,
        Pooling = false,
        ForeignKeys = true,
    }.ToString();

    public T Read<T>(Func<SqlSession, T> read) => Run(read, deferred: true);

    public T Write<T>(Func<SqlSession, T> write) => Run(write, deferred: false);

    private T Run<T>(Func<SqlSession, T> work, bool deferred)
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // Writes take the lock up front (BEGIN IMMEDIATE) so that two writers queue instead of deadlocking on upgrade.
        using var transaction = connection.BeginTransaction(deferred);
        var result = work(new SqlSession(connection, transaction));
        transaction.Commit();
        return result;
    }
}
