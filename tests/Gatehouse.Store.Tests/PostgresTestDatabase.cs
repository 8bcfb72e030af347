using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Gatehouse.Store.Tests;

/// <summary>A database of the test's own on the test server (<see cref="PostgresTestServer"/>).</summary>
public sealed class PostgresTestDatabase : TestDatabase
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("No test database.");

    public override async Task CreateAsync() => _connectionString = await PostgresTestServer.CreateDatabaseAsync();

    public override async Task DropAsync()
    {
        if (_connectionString is not null)
        {
            await PostgresTestServer.DropDatabaseAsync(_connectionString);
        }
    }

    // The contract is what the store does, not how fast: a commit on a loaded 2-core machine can take longer than the
    // 2 s a gateway waits by default, which would fail a test about filters as "store unavailable".
    public override void Use(StoreOptions options)
    {
        options.PostgresConnectionString = ConnectionString;
        options.Timeout = TimeSpan.FromSeconds(15);
    }

    // A loopback port that was free a moment ago: connecting is refused at once.
    public override void UseUnreachable(StoreOptions options) =>
        options.PostgresConnectionString = $"Host=127.0.0.1;Port={FreePort()};Username=gatehouse;Password={UnreachablePassword};Timeout=5";

    public override Task RunCommandLineAsync(string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        return CommandLine.RunAsync("psql",
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture),
                "-U", builder.Username!, "-d", builder.Database!, "-c", sql],
            new Dictionary<string, string> { ["PGPASSWORD"] = builder.Password ?? "", ["PGCONNECT_TIMEOUT"] = "5" });
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
