using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>The audit store contract on SQLite, each test with a data directory of its own.</summary>
public sealed class SqliteAuditStoreTests(ITestOutputHelper output) : AuditStoreContract<SqliteTestDatabase>(output);
