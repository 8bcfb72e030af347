namespace Gatehouse.Store.Tests;

/// <summary>A database of one test's own on one backend.</summary>
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
}
