namespace Gatehouse.Store;

/// <summary>
/// Brings the store's schema up to date. Every store does this by itself on first use; a host or a CLI command
/// may call it at start-up to learn early that the database is unreachable.
/// </summary>
public interface IStoreMigrator
{
    /// <summary>
    /// Applies the migrations the database lacks, each once and in its own transaction, queued behind any other
    /// process migrating the same database. Returns the versions this call applied (empty when up to date).
    /// </summary>
    /// <exception cref="StoreUnavailableException">The database cannot be reached or refused a migration.</exception>
    Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>The versions recorded in the database's <c>schema_migrations</c> table, ascending.</summary>
    /// <exception cref="StoreUnavailableException">The database cannot be reached.</exception>
    Task<IReadOnlyList<int>> GetAppliedVersionsAsync(CancellationToken cancellationToken = default);
}
