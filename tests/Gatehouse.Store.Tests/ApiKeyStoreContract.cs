using System.Diagnostics;
using Gatehouse.Store.ApiKeys;
using Gatehouse.Store.Database;
using Gatehouse.Store.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gatehouse.Store.Tests;

/// <summary>What every backend of the API key store must do.</summary>
public abstract class ApiKeyStoreContract<TDatabase>(ITestOutputHelper output) : StoreContract<TDatabase>
    where TDatabase : TestDatabase, new()
{
    [Fact]
    public async Task A_created_key_verifies_as_its_identity_with_its_roles()
    {
        var store = OpenStore();

        var (record, secret) = await store.Keys.CreateAsync("marketing-agent", roles: ["admin", "approver"]);

        Assert.StartsWith("gh_", secret, StringComparison.Ordinal);
        Assert.Contains(record.Id, secret, StringComparison.Ordinal);
        Assert.Equal("marketing-agent", record.Identity);
        Assert.Equal(["admin", "approver"], record.Roles);
        Assert.Equal(Start, record.CreatedAt);
        Assert.Null(record.ExpiresAt);
        Assert.Null(record.RevokedAt);

        var verified = await store.Keys.VerifyAsync(secret);
        Assert.NotNull(verified);
        Assert.Equal(record.Id, verified.Id);
        Assert.Equal("marketing-agent", verified.Identity);
        Assert.Equal(["admin", "approver"], verified.Roles);
    }

    [Fact]
    public async Task No_two_keys_are_alike()
    {
        var store = OpenStore();

        var keys = new List<CreatedApiKey>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add(await store.Keys.CreateAsync("ci-bot"));
        }

        Assert.Equal(keys.Count, keys.Select(k => k.Secret).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(keys.Count, keys.Select(k => k.Record.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task The_store_keeps_a_hash_of_the_secret_never_the_secret()
    {
        var store = OpenStore();
        var (_, secret) = await store.Keys.CreateAsync("ci-bot");
        var secretPart = secret[(3 + 16 + 1)..];

        var rows = await store.QueryAsync("SELECT * FROM api_keys");

        var stored = Assert.Single(rows);
        foreach (var value in stored)
        {
            var text = value switch
            {
                byte[] bytes => Convert.ToBase64String(bytes) + System.Buffers.Text.Base64Url.EncodeToString(bytes),
                _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            };
            Assert.DoesNotContain(secretPart, text, StringComparison.Ordinal);
        }

        var secretBytes = System.Buffers.Text.Base64Url.DecodeFromChars(secretPart);
        Assert.Contains(stored, v => v is byte[] b && b.SequenceEqual(System.Security.Cryptography.SHA256.HashData(secretBytes)));
    }

    [Fact]
    public async Task Secrets_never_reach_the_logs()
    {
        var store = OpenStore();
        var (record, secret) = await store.Keys.CreateAsync("ci-bot");
        var secretPart = secret[(3 + 16 + 1)..];

        await store.Keys.VerifyAsync(secret);
        await store.Keys.VerifyAsync(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'));
        await store.Keys.VerifyAsync(secret + "x");
        await store.Keys.RevokeAsync(record.Id);
        await store.Keys.VerifyAsync(secret);

        Assert.NotEmpty(Logs.Lines);
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(secretPart[..20], StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_shows_every_key_oldest_first_without_secrets()
    {
        var store = OpenStore();
        var first = await store.Keys.CreateAsync("marketing-agent", roles: ["admin"]);
        store.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await store.Keys.CreateAsync("support-agent", expiresAt: Start.AddDays(30));
        store.Time.Advance(TimeSpan.FromSeconds(1));
        var third = await store.Keys.CreateAsync("ci-bot");
        await store.Keys.RevokeAsync(third.Record.Id);

        var listed = await store.Keys.ListAsync();

        Assert.Equal([first.Record.Id, second.Record.Id, third.Record.Id], listed.Select(k => k.Id));
        // Records compare their role lists by reference, hence the swap before comparing the rest.
        Assert.Equal(first.Record with { Roles = listed[0].Roles }, listed[0]);
        Assert.Equal(["admin"], listed[0].Roles);
        Assert.Equal(Start.AddDays(30), listed[1].ExpiresAt);
        Assert.Equal(Start.AddSeconds(1), listed[1].CreatedAt);
        Assert.Equal(Start.AddSeconds(2), listed[2].RevokedAt);
        Assert.True(listed[2].IsRevoked);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_and_revoking_again_changes_nothing()
    {
        var store = OpenStore();
        var (record, secret) = await store.Keys.CreateAsync("ci-bot");
        var other = await store.Keys.CreateAsync("ci-bot");

        Assert.Equal(ApiKeyRevocation.Revoked, await store.Keys.RevokeAsync(record.Id));
        Assert.Null(await store.Keys.VerifyAsync(secret));
        Assert.NotNull(await store.Keys.VerifyAsync(other.Secret));

        store.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(ApiKeyRevocation.AlreadyRevoked, await store.Keys.RevokeAsync(record.Id));
        Assert.Equal(Start, (await store.Keys.ListAsync()).Single(k => k.Id == record.Id).RevokedAt);
        Assert.Equal(ApiKeyRevocation.NotFound, await store.Keys.RevokeAsync("0123456789abcdef"));
        Assert.Equal(ApiKeyRevocation.NotFound, await store.Keys.RevokeAsync("not even an id"));
    }

    [Fact]
    public async Task A_key_stops_working_the_moment_it_expires()
    {
        var store = OpenStore();
        var expiresAt = Start.AddHours(1);
        var (record, secret) = await store.Keys.CreateAsync("ci-bot", expiresAt);
        Assert.Equal(expiresAt, record.ExpiresAt);

        store.Time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await store.Keys.VerifyAsync(secret));

        store.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await store.Keys.VerifyAsync(secret));
    }

    [Fact]
    public async Task Verifying_records_when_a_key_was_last_used_to_the_minute()
    {
        var store = OpenStore();
        var (record, secret) = await store.Keys.CreateAsync("ci-bot");
        Assert.Null(record.LastUsedAt);

        store.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(Start.AddSeconds(5), (await store.Keys.VerifyAsync(secret))?.LastUsedAt);
        store.Time.Advance(TimeSpan.FromSeconds(30));
        await store.Keys.VerifyAsync(secret);
        Assert.Equal(Start.AddSeconds(5), (await store.Keys.ListAsync()).Single().LastUsedAt);

        store.Time.Advance(TimeSpan.FromMinutes(1));
        await store.Keys.VerifyAsync(secret);
        Assert.Equal(Start.AddSeconds(95), (await store.Keys.ListAsync()).Single().LastUsedAt);
    }

    [Fact]
    public async Task Create_refuses_invalid_input_and_stores_nothing()
    {
        var store = OpenStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.Keys.CreateAsync(" "));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Keys.CreateAsync("ci-bot", roles: ["two words"]));
        await Assert.ThrowsAsync<ArgumentException>(() => store.Keys.CreateAsync("ci-bot", Start));

        Assert.Empty(await store.Keys.ListAsync());
    }

    [Fact]
    public async Task Verify_refuses_wrong_and_malformed_keys()
    {
        var store = OpenStore();
        var (_, key) = await store.Keys.CreateAsync("ci-bot");
        var (_, otherKey) = await store.Keys.CreateAsync("ci-bot");
        var wrong = new Dictionary<string, string?>
        {
            ["null"] = null,
            ["empty"] = "",
            ["wrong prefix"] = "gx_" + key[3..],
            ["huge"] = key + new string('A', 1_000_000),
            ["non-base64 secret"] = key[..^2] + "!!",
            ["right id, wrong secret"] = key[..^1] + (key[^1] == 'A' ? 'B' : 'A'),
            ["another key's id with this secret"] = otherKey[..20] + key[20..],
            ["unknown id"] = "gh_0123456789abcdef" + key[19..],
            ["bearer scheme included"] = "Bearer " + key,
        };

        foreach (var (name, presented) in wrong)
        {
            Assert.True(await store.Keys.VerifyAsync(presented) is null, $"accepted: {name}");
        }

        Assert.NotNull(await store.Keys.VerifyAsync(key));
        Assert.NotNull(await store.Keys.VerifyAsync(otherKey));
    }

    [Fact]
    public async Task Migrations_are_applied_once_however_often_they_run()
    {
        var first = OpenStore();
        var all = StoreMigrations.All.Select(m => m.Version).ToList();

        Assert.Equal(all, await first.Migrator.MigrateAsync());
        Assert.Empty(await first.Migrator.MigrateAsync());
        Assert.Empty(await OpenStore().Migrator.MigrateAsync());
        await first.Keys.CreateAsync("ci-bot");

        Assert.Equal(all, await first.Migrator.GetAppliedVersionsAsync());
        var rows = await first.QueryAsync("SELECT version, name FROM schema_migrations ORDER BY version");
        Assert.Equal(all, rows.Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Processes_migrating_the_same_database_at_once_apply_each_migration_once()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenStore()).ToList();

        var applied = await Task.WhenAll(stores.Select(s => Task.Run(() => s.Migrator.MigrateAsync())));

        Assert.Equal(StoreMigrations.All.Select(m => m.Version), applied.SelectMany(a => a).Order());
        Assert.Equal(StoreMigrations.All.Select(m => m.Version), await stores[0].Migrator.GetAppliedVersionsAsync());
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_and_not_recorded()
    {
        var store = OpenStore();
        var broken = new Migration(1000, "broken",
            Sqlite: "CREATE TABLE half_done (x INTEGER); SELECT no_such_column FROM half_done;",
            Postgres: "CREATE TABLE half_done (x INTEGER); SELECT no_such_column FROM half_done;");
        var fixedMigration = broken with { Sqlite = "CREATE TABLE done (x INTEGER);", Postgres = "CREATE TABLE done (x INTEGER);" };

        await Assert.ThrowsAsync<StoreUnavailableException>(() => Migrator(store, broken).MigrateAsync());

        Assert.Equal(StoreMigrations.All.Select(m => m.Version), await store.Migrator.GetAppliedVersionsAsync());
        // Creating the table succeeds only because the failed migration's own CREATE was rolled back.
        await store.QueryAsync("CREATE TABLE half_done (y INTEGER)");
        Assert.Equal([1000], await Migrator(store, fixedMigration).MigrateAsync());
        Assert.Empty(await Migrator(store, fixedMigration).MigrateAsync());
    }

    private static StoreMigrator Migrator(StoreUnderTest store, Migration extra) =>
        new(store.Get<StoreConnector>(), store.Get<IStoreBackend>(), store.Time, store.Get<ILogger<StoreMigrator>>(),
            [.. StoreMigrations.All, extra]);

    [Fact]
    public async Task Two_processes_see_each_others_keys_and_revocations_at_once()
    {
        var time = new FakeTimeProvider(Start);
        var gatewayA = OpenStore(time);
        var gatewayB = OpenStore(time);
        var (record, secret) = await gatewayA.Keys.CreateAsync("ci-bot");

        Assert.NotNull(await gatewayB.Keys.VerifyAsync(secret));
        Assert.Equal(ApiKeyRevocation.Revoked, await gatewayA.Keys.RevokeAsync(record.Id));
        Assert.Null(await gatewayB.Keys.VerifyAsync(secret));

        var fromB = await gatewayB.Keys.CreateAsync("support-agent");
        Assert.NotNull(await gatewayA.Keys.VerifyAsync(fromB.Secret));
        Assert.Equal(ApiKeyRevocation.AlreadyRevoked, await gatewayB.Keys.RevokeAsync(record.Id));
    }

    [Fact]
    public async Task Concurrent_writes_and_checks_from_several_processes_all_succeed()
    {
        var time = new FakeTimeProvider(Start);
        var gateways = Enumerable.Range(0, 3).Select(_ => OpenStore(time)).ToList();

        var created = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => gateways[i % gateways.Count].Keys.CreateAsync($"agent-{i}"))));
        var verified = await Task.WhenAll(created.Select((key, i) =>
            Task.Run(() => gateways[(i + 1) % gateways.Count].Keys.VerifyAsync(key.Secret))));
        var revoked = await Task.WhenAll(created.Where((_, i) => i % 2 == 0).Select((key, i) =>
            Task.Run(() => gateways[i % gateways.Count].Keys.RevokeAsync(key.Record.Id))));

        Assert.All(verified, Assert.NotNull);
        Assert.All(revoked, r => Assert.Equal(ApiKeyRevocation.Revoked, r));
        Assert.Equal(30, (await gateways[0].Keys.ListAsync()).Count);
        Assert.Equal(15, (await gateways[1].Keys.ListAsync()).Count(k => k.IsRevoked));
    }

    [Fact]
    public async Task An_unreachable_store_throws_StoreUnavailableException_rather_than_refusing_the_key()
    {
        var store = OpenUnreachableStore();
        var wellFormed = $"gh_0123456789abcdef_{System.Buffers.Text.Base64Url.EncodeToString(new byte[32])}";

        var verify = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Keys.VerifyAsync(wellFormed));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Keys.CreateAsync("ci-bot"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Keys.ListAsync());
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Keys.RevokeAsync("0123456789abcdef"));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.Migrator.MigrateAsync());

        Assert.Contains("unavailable", verify.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestDatabase.UnreachablePassword, verify.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Lines, line => line.Contains(TestDatabase.UnreachablePassword, StringComparison.Ordinal));
        output.WriteLine(verify.Message);
    }

    [Fact]
    public async Task A_malformed_key_is_refused_without_asking_the_store()
    {
        var store = OpenUnreachableStore();

        Assert.Null(await store.Keys.VerifyAsync("Bearer nonsense"));
    }

    [Fact]
    public async Task Verify_reads_the_store_every_time_and_stays_fast()
    {
        var store = OpenStore();
        var (_, secret) = await store.Keys.CreateAsync("ci-bot");
        await store.Keys.VerifyAsync(secret);

        const int Checks = 500;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Checks; i++)
        {
            Assert.NotNull(await store.Keys.VerifyAsync(secret));
        }

        clock.Stop();
        var perCheck = clock.Elapsed / Checks;
        output.WriteLine($"{GetType().Name}: {perCheck.TotalMicroseconds:F0} µs per VerifyAsync over {Checks} checks");
        // A generous bound that only a broken setup (no connection pooling, a new schema check each time) misses.
        Assert.True(perCheck < TimeSpan.FromMilliseconds(20), $"{perCheck.TotalMilliseconds} ms per check");
    }
}
