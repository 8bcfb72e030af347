using System.Diagnostics;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Audit;

/// <summary><c>gatehouse audit</c> against the store a running gateway writes: query, verify, export, prune.</summary>
public sealed class AuditCommandTests : IAsyncLifetime
{
    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    private string Config => _gateway.Config.ConfigPath;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))));
        await using var client = await _gateway.ConnectAsync("test");
        for (var i = 0; i < 3; i++)
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"hello {i}" });
        }

        await client.CallToolAsync("test_simple_text");
        // Outcomes are written right after the replies; wait for the last one.
        await WaitForOutcomesAsync(4);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Keys_created_and_revoked_on_the_command_line_are_audited_as_its_user()
    {
        var created = await CliRunner.RunAsync("keys", "create", "--config", Config, "--identity", "cli-made", "--json");
        var id = JsonNode.Parse(created.Output)!["id"]!.GetValue<string>();
        var revoked = await CliRunner.RunAsync("keys", "revoke", id, "--config", Config);

        Assert.Equal((0, 0), (created.ExitCode, revoked.ExitCode));
        var records = (await _gateway.Services.GetRequiredService<IAuditStore>().QueryAsync(new AuditQuery { Kind = AuditKinds.Admin, Target = id }, default)).Records;
        Assert.Equal([AuditDecisions.KeyRevoked, AuditDecisions.KeyCreated], records.Select(r => r.Event.Decision));
        Assert.All(records, r => Assert.Equal($"{Environment.UserName} (command line)", r.Event.Identity));
    }

    [Fact]
    public async Task Query_filters_by_tool_and_prints_json_for_scripts()
    {
        var result = await CliRunner.RunAsync("audit", "query", "--config", Config, "--tool", "echo", "--kind", "decision", "--since", "1h", "--json");

        Assert.Equal(0, result.ExitCode);
        var records = JsonNode.Parse(result.Output)!["records"]!.AsArray();
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Equal("echo", r!["target"]!.GetValue<string>()));
        Assert.True(records[0]!["sequence"]!.GetValue<long>() > records[1]!["sequence"]!.GetValue<long>());
    }

    [Fact]
    public async Task Query_as_a_table_pages_with_before()
    {
        var first = await CliRunner.RunAsync("audit", "query", "--config", Config, "--limit", "2");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(3, first.Output.Trim().Split('\n').Length);
        Assert.Contains("--before", first.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--since", "yesterday-ish")]
    [InlineData("--limit", "0")]
    [InlineData("--limit", "100000")]
    public async Task A_bad_query_is_usage_error_2(string option, string value)
    {
        var result = await CliRunner.RunAsync("audit", "query", "--config", Config, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option.TrimStart('-'), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_passes_an_untouched_log_and_names_the_record_edited_with_sqlite3()
    {
        var intact = await CliRunner.RunAsync("audit", "verify", "--config", Config);
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("intact", intact.Output, StringComparison.Ordinal);

        await Sqlite3Async(Path.Combine(_gateway.Config.DataDir, "gatehouse.db"), "UPDATE audit_records SET decision = 'deny' WHERE sequence = 3;");

        var broken = await CliRunner.RunAsync("audit", "verify", "--config", Config, "--json");
        Assert.Equal(1, broken.ExitCode);
        var verification = JsonNode.Parse(broken.Output)!;
        Assert.False(verification["intact"]!.GetValue<bool>());
        Assert.Equal(3, verification["firstBroken"]!.GetValue<long>());
    }

    [Fact]
    public async Task Export_writes_every_record_oldest_first_with_hashes_that_chain()
    {
        var result = await CliRunner.RunAsync("audit", "export", "--config", Config, "--format", "jsonl");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Trim().Split('\n').Select(line => JsonNode.Parse(line)!).ToList();
        Assert.True(lines.Count >= 8);
        Assert.Equal(AuditChain.Genesis, lines[0]["previousHash"]!.GetValue<string>());
        for (var i = 1; i < lines.Count; i++)
        {
            Assert.Equal(lines[i - 1]["hash"]!.GetValue<string>(), lines[i]["previousHash"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task An_unknown_export_format_is_usage_error_2()
    {
        var result = await CliRunner.RunAsync("audit", "export", "--config", Config, "--format", "csv");

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Prune_keeps_a_chain_that_verifies_and_goes_on()
    {
        await Task.Delay(TimeSpan.FromMilliseconds(1100));

        var pruned = await CliRunner.RunAsync("audit", "prune", "--config", Config, "--older-than", "1s");
        Assert.Equal(0, pruned.ExitCode);
        Assert.Contains("signed checkpoint", pruned.Output, StringComparison.Ordinal);

        await using (var client = await _gateway.ConnectAsync("test"))
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "after the prune" });
        }

        var verify = await CliRunner.RunAsync("audit", "verify", "--config", Config);
        Assert.Equal(0, verify.ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("audit", "tail", "--config", Config, "-n", "5")).ExitCode);
    }

    [Theory]
    [InlineData("--older-than", "forever")]
    [InlineData("--older-than", "-5d")]
    public async Task Prune_refuses_an_age_that_is_not_a_duration(string option, string value)
    {
        var result = await CliRunner.RunAsync("audit", "prune", "--config", Config, option, value);

        Assert.Equal(2, result.ExitCode);
    }

    private async Task WaitForOutcomesAsync(int count)
    {
        var store = _gateway.Services.GetRequiredService<IAuditStore>();
        var outcomes = new AuditQuery { Kind = AuditKinds.Outcome, Limit = count };
        for (var attempt = 0; attempt < 200 && (await store.QueryAsync(outcomes, default)).Records.Count < count; attempt++)
        {
            await Task.Delay(50);
        }
    }

    private static async Task Sqlite3Async(string database, string sql)
    {
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(database);
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sqlite3 did not start (scripts/test.sh installs it).");
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"sqlite3 failed: {error}");
    }
}
