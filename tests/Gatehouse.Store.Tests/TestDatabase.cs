namespace Gatehouse.Store.Tests;

/// <summary>
/// A database of one test's own on one backend, and that backend's command-line client, to reach it the way
/// someone with access to the database but not to Gatehouse would.
/// </summary>
public abstract class TestDatabase
{
    /// <summary>The password of the unreachable database, which must appear in no message or log.</summary>
    public const string UnreachablePassword = "do-not-print-this-password";

    public abstract Task CreateAsync();

    public abstract Task DropAsync();

    /// <summary>Points options at this test's database.</summary>
    public abstract void Use(StoreOptions options);

    /// <summary>Points options at a database that cannot be reached.</summary>
    public abstract void UseUnreachable(StoreOptions options);

    /// <summary>Runs <paramref name="sql"/> on this test's database with the backend's own client (sqlite3, psql).</summary>
    public abstract Task RunCommandLineAsync(string sql);
}
