using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Catalog;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Store.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gatehouse.Store.Tests;

/// <summary>One store as a gateway process would build it: its own service provider, connection pool and clock.</summary>
internal sealed class StoreUnderTest : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public StoreUnderTest(Action<StoreOptions> configure, FakeTimeProvider time, CapturedLogs logs)
    {
        _services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddSingleton<TimeProvider>(time)
            .AddGatehouseStore(configure)
            .BuildServiceProvider();
        Time = time;
    }

    public FakeTimeProvider Time { get; }

    public IApiKeyStore Keys => _services.GetRequiredService<IApiKeyStore>();

    public IAuditStore Audit => _services.GetRequiredService<IAuditStore>();

    public IApprovalStore Approvals => _services.GetRequiredService<IApprovalStore>();

    public ICatalogStore Catalog => _services.GetRequiredService<ICatalogStore>();

    public IStoreMigrator Migrator => _services.GetRequiredService<IStoreMigrator>();

    internal T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Runs a query outside the store's API, to look at what it wrote.</summary>
    public Task<List<object?[]>> QueryAsync(string sql) =>
        Get<StoreConnector>().RunAsync(async (connection, ct) =>
        {
            await using var command = connection.CreateCommand(sql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<object?[]>();
            while (await reader.ReadAsync(ct))
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return rows;
        }, CancellationToken.None);

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
