using System.Net;
using System.Net.Sockets;

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

    public override void Use(StoreOptions options) => options.PostgresConnectionString = ConnectionString;

    // A loopback port that was free a moment ago: connecting is refused at once.
    public override void UseUnreachable(StoreOptions options) =>
        options.PostgresConnectionString = $"Host=127.0.0.1;Port={FreePort()};Username=gatehouse;Password={UnreachablePassword};Timeout=5";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
