using Gatehouse.Approvals;
using Gatehouse.Audit;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Store.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Store.Tests;

public sealed class StoreRegistrationTests
{
    private static ServiceProvider Build(Action<StoreOptions> configure) =>
        new ServiceCollection().AddLogging().AddGatehouseStore(configure).BuildServiceProvider();

    [Fact]
    public async Task A_data_directory_selects_SQLite()
    {
        await using var services = Build(o => o.DataDir = "/var/lib/gatehouse");

        var backend = services.GetRequiredService<IStoreBackend>();

        Assert.Equal(StoreBackendKind.Sqlite, backend.Kind);
        Assert.Equal("SQLite at /var/lib/gatehouse/gatehouse.db", backend.Description);
    }

    [Fact]
    public async Task A_PostgreSQL_connection_string_selects_PostgreSQL_without_connecting()
    {
        await using var services = Build(o =>
        {
            o.DataDir = "/var/lib/gatehouse";
            o.PostgresConnectionString = "Host=db.internal;Port=6543;Database=gatehouse;Username=gh;Password=secret";
        });

        var backend = services.GetRequiredService<IStoreBackend>();

        Assert.Equal(StoreBackendKind.Postgres, backend.Kind);
        Assert.Equal("PostgreSQL at db.internal:6543/gatehouse", backend.Description);
        Assert.NotNull(services.GetRequiredService<IApiKeyStore>());
        Assert.NotNull(services.GetRequiredService<IAuditStore>());
        Assert.NotNull(services.GetRequiredService<IApprovalStore>());
    }

    [Fact]
    public async Task Options_that_name_no_database_are_refused()
    {
        await using var services = Build(_ => { });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IApiKeyStore>());

        Assert.Contains("data directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_connection_string_is_refused_without_echoing_it()
    {
        await using var services = Build(o => o.PostgresConnectionString = "Host=db;Password=hunter2;Bogus Keyword=1");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IApiKeyStore>());

        Assert.Contains("PostgreSQL connection string is invalid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migration_versions_are_unique_and_ascending()
    {
        var versions = Gatehouse.Store.Migrations.StoreMigrations.All.Select(m => m.Version).ToList();

        Assert.Equal(versions.Order().Distinct(), versions);
        Assert.All(versions, v => Assert.True(v > 0));
    }
}
