using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>The audit store contract on PostgreSQL, each test in a database of its own.</summary>
public sealed class PostgresAuditStoreTests(ITestOutputHelper output) : AuditStoreContract<PostgresTestDatabase>(output);
