namespace Gatehouse.Store.Tests;

/// <summary>The approval store contract on PostgreSQL, each test in a database of its own.</summary>
public sealed class PostgresApprovalStoreTests : ApprovalStoreContract<PostgresTestDatabase>;
