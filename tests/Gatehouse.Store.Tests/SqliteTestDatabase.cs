namespace Gatehouse.Store.Tests;

/// <summary>A data directory of the test's own.</summary>
public sealed class SqliteTestDatabase : TestDatabase
{
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), $"gatehouse-store-{Guid.NewGuid():N}");

    public string FilePath => Path.Combine(DataDir, StoreOptions.DefaultSqliteFileName);

    public override Task CreateAsync()
    {
        Directory.CreateDirectory(DataDir);
        File.WriteAllText(Path.Combine(DataDir, "not-a-directory"), "");
        return Task.CompletedTask;
    }

    public override Task DropAsync()
    {
        Directory.Delete(DataDir, recursive: true);
        return Task.CompletedTask;
    }

    public override void Use(StoreOptions options) => options.DataDir = DataDir;

    // A data directory whose parent is a file cannot be created, whoever runs the tests (root included).
    public override void UseUnreachable(StoreOptions options) => options.DataDir = Path.Combine(DataDir, "not-a-directory", "data");

    // The stores' pooled connections may hold the file open: wait for their locks rather than fail at once.
    public override Task RunCommandLineAsync(string sql) =>
        CommandLine.RunAsync("sqlite3", ["-bail", "-cmd", ".timeout 5000", FilePath, sql]);
}
