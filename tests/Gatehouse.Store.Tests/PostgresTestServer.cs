using Npgsql;

namespace Gatehouse.Store.Tests;

/// <summary>
/// The PostgreSQL server the tests use: GATEHOUSE_TEST_POSTGRES, or the one scripts/start-postgres.sh starts.
/// Each test gets a database of its own, so tests never see each other's rows and may run in parallel.
/// </summary>
internal static class PostgresTestServer
{
    public const string EnvironmentVariable = "GATEHOUSE_TEST_POSTGRES";
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5433;Username=gatehouse;Password=gatehouse";

    private static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>Creates an empty database named after a new GUID and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString)
        {
            Database = $"gatehouse_test_{Guid.NewGuid():N}",
        }.ConnectionString;
        await CreateDatabaseAsync(connectionString);
        return connectionString;
    }

    /// <summary>Creates the database that <paramref name="connectionString"/> names.</summary>
    public static Task CreateDatabaseAsync(string connectionString) =>
        ExecuteOnServerAsync($"CREATE DATABASE {new NpgsqlConnectionStringBuilder(connectionString).Database};");

    public static Task DropDatabaseAsync(string connectionString) =>
        ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {new NpgsqlConnectionStringBuilder(connectionString).Database} WITH (FORCE);");

    private static async Task ExecuteOnServerAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false, Timeout = 5 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Failing, not skipping: a green run must mean the PostgreSQL backend was tested.
            var source = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 }
                ? $"{EnvironmentVariable}"
                : $"the default, as {EnvironmentVariable} is unset";
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at {builder.Host}:{builder.Port} as {builder.Username} ({source}): {e.Message}. " +
                $"Run scripts/start-postgres.sh (as root on a fresh machine), or set {EnvironmentVariable} to a server " +
                "where that user may create databases.", e);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
