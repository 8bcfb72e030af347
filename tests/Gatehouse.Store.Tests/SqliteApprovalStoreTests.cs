namespace Gatehouse.Store.Tests;

/// <summary>The approval store contract on SQLite, each test with a data directory of its own.</summary>
public sealed class SqliteApprovalStoreTests : ApprovalStoreContract<SqliteTestDatabase>;
