using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;

namespace Gatehouse.Tests.Audit;

/// <summary>
/// Every decision the gateway makes reaches the audit log, with what was asked (redacted), what was decided and
/// why, and what the upstream answered; and the log's chain verifies.
/// </summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private const string Policy = """
        { "version": "1", "default": "deny",
          "tools": {
            "echo": { "redact": ["$.message"] },
            "test_error_handling": "allow",
            "test_simple_text": { "limits": [ { "counter": "simple", "window": "minute", "max": 1 } ] },
            "test_request_headers": { "arguments": { "conditions": { "note": { "max_length": 3 } } } }
          } }
        """;

    private RunningTestServer _upstream = null!;
    private RunningGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestServerHost.StartAsync();
        _gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(_upstream.McpUrl))),
            policies: new Dictionary<string, string> { ["test"] = Policy });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task An_allowed_call_leaves_its_decision_and_its_outcome()
    {
        await using var client = await _gateway.ConnectAsync("test");

        await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "private words" });

        var records = await EventuallyAsync(r => r.Target == "echo", count: 2);
        var decision = Assert.Single(records, r => r.Kind == AuditKinds.Decision);
        var outcome = Assert.Single(records, r => r.Kind == AuditKinds.Outcome);
        Assert.Equal((AuditDecisions.Allow, "tools.echo", "test", "test", "test"), (decision.Decision, decision.Rule, decision.Identity, decision.Grant, decision.Server));
        Assert.Equal("tools/call", decision.Method);
        Assert.Equal("""{"message":"[redacted]"}""", decision.Arguments);
        Assert.Equal(AuditOutcomes.Ok, outcome.Outcome);
        Assert.NotNull(outcome.LatencyMicroseconds);
        Assert.Null(outcome.Arguments);
        Assert.Equal(decision.Session, outcome.Session);
        Assert.Equal(decision.RequestId, outcome.RequestId);
    }

    [Fact]
    public async Task Refusals_are_recorded_with_their_decision_rule_and_reason()
    {
        await using var client = await _gateway.ConnectAsync("test");

        await client.CallToolAsync("test_sampling", new Dictionary<string, object?> { ["prompt"] = "hi" });
        await client.CallToolAsync("test_simple_text");
        await client.CallToolAsync("test_simple_text");
        await client.CallToolAsync("test_request_headers", new Dictionary<string, object?> { ["note"] = "far too long" });

        var denied = Assert.Single(await EventuallyAsync(r => r.Target == "test_sampling"));
        Assert.Equal((AuditDecisions.Deny, "default"), (denied.Decision, denied.Rule));
        Assert.Contains(await EventuallyAsync(r => r.Target == "test_simple_text" && r.Decision == AuditDecisions.RateLimited),
            r => r.Reason!.Contains("'simple'", StringComparison.Ordinal));
        var invalid = Assert.Single(await EventuallyAsync(r => r.Target == "test_request_headers"));
        Assert.Equal(AuditDecisions.InvalidArguments, invalid.Decision);
        Assert.Contains("note", invalid.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_that_reports_an_error_is_recorded_as_is_error()
    {
        await using var client = await _gateway.ConnectAsync("test");

        await client.CallToolAsync("test_error_handling");

        Assert.Contains(await EventuallyAsync(r => r.Target == "test_error_handling" && r.Kind == AuditKinds.Outcome),
            r => r.Outcome == AuditOutcomes.IsError);
    }

    [Fact]
    public async Task Secrets_in_arguments_never_reach_the_store()
    {
        await using var client = await _gateway.ConnectAsync("test");
        const string Secret = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

        await client.CallToolAsync("test_request_headers", new Dictionary<string, object?> { ["api_key"] = "hunter2-hunter2", ["note"] = $"use {Secret}" });

        var record = Assert.Single(await EventuallyAsync(r => r.Target == "test_request_headers"));
        Assert.DoesNotContain("hunter2", record.Arguments, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, record.Arguments, StringComparison.Ordinal);
        await foreach (var stored in Store.ReadAsync(0, default))
        {
            Assert.DoesNotContain(Secret, AuditJson.Of(stored).ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_refused_credential_is_recorded_as_an_authentication_failure_without_the_credential()
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, _gateway.McpUrl("test"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "gh_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var record = Assert.Single(await EventuallyAsync(r => r.Kind == AuditKinds.Authentication));
        Assert.Equal((AuditDecisions.Unauthenticated, "invalid_token", "test"), (record.Decision, record.Rule, record.Server));
        Assert.DoesNotContain("AAAAAAAA", AuditJson.Of(new AuditRecord(0, record, "", "")).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_of_a_busy_gateway_verifies()
    {
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _gateway.ConnectAsync("test")));
        try
        {
            await Task.WhenAll(clients.Select(async client =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = $"{i}" });
                }
            }));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }

        await EventuallyAsync(r => r.Target == "echo" && r.Kind == AuditKinds.Outcome, count: 40);
        var verification = await AuditVerifier.VerifyAsync(null, Store.ReadAsync(0, default), _gateway.Services.GetRequiredService<CheckpointSigner>());
        Assert.True(verification.Intact, verification.Problem);
        Assert.True(verification.Checked >= 80);
    }

    private IAuditStore Store => _gateway.Services.GetRequiredService<IAuditStore>();

    // Outcomes are written without the call waiting for them, so they may land a moment after the reply.
    private async Task<IReadOnlyList<AuditEvent>> EventuallyAsync(Func<AuditEvent, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            // The catalog's own records (tools pinned on first sight) are not what these tests are about.
            var found = (await Store.QueryAsync(new AuditQuery { Limit = AuditQuery.MaxLimit }, default)).Records.Select(r => r.Event)
                .Where(e => e.Kind != AuditKinds.Catalog).Where(match).ToList();
            if (found.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(found.Count >= count, $"{found.Count} of {count} matching records");
                return found;
            }

            await Task.Delay(50);
        }
    }
}
