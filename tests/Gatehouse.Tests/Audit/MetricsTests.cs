using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Relay;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Tests.Audit;

/// <summary>Decisions and upstream latency, scraped by Prometheus at <c>/metrics</c> when the operator turns it on.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Prometheus_scrapes_decisions_by_outcome_tool_and_server_and_upstream_latency()
    {
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))),
            policies: new Dictionary<string, string> { ["test"] = """{ "version": "1", "default": "deny", "tools": { "echo": "allow" } }""" },
            sections: new JsonObject { ["telemetry"] = new JsonObject { ["prometheus"] = true } });
        await using (var client = await gateway.ConnectAsync("test"))
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hi" });
            await client.CallToolAsync("test_simple_text");
        }

        using var http = new HttpClient();
        string text = "";
        for (var attempt = 0; attempt < 50 && !text.Contains("gatehouse_upstream_duration", StringComparison.Ordinal); attempt++)
        {
            // The exporter caches a scrape briefly; ask again until the latest calls show.
            await Task.Delay(200);
            using var response = await http.GetAsync(new Uri(gateway.BaseUrl, "/metrics"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            text = await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("gatehouse_decisions_total{", text, StringComparison.Ordinal);
        Assert.Matches("gatehouse_decisions_total\\{[^}]*decision=\"allow\"[^}]*tool=\"echo\"", text);
        Assert.Matches("gatehouse_decisions_total\\{[^}]*decision=\"deny\"[^}]*tool=\"test_simple_text\"", text);
        Assert.Contains("gatehouse_upstream_duration_seconds_bucket{", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_decided_request_is_a_span_with_its_decision_and_outcome()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatehouseTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))));
        var message = $"traced {Guid.NewGuid():N}";
        await using (var client = await gateway.ConnectAsync("test"))
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message });
        }

        // Other tests run alongside and are traced too: this one's span is the echo whose request it sent.
        Assert.Contains(spans, span => span.OperationName == "tools/call" && (string?)span.GetTagItem("mcp.target") == "echo"
            && (string?)span.GetTagItem("gatehouse.decision") == "allow" && (string?)span.GetTagItem("gatehouse.outcome") == "ok");
    }

    [Fact]
    public async Task With_an_otlp_collector_configured_traces_are_sent_to_it()
    {
        // A stand-in collector: it only has to take OTLP/HTTP posts and say where they went.
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", (HttpRequest request, string signal) =>
        {
            if (signal == "traces" && request.ContentType == "application/x-protobuf")
            {
                received.TrySetResult(signal);
            }

            return Results.Ok();
        });
        await collector.StartAsync();
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))),
            sections: new JsonObject { ["telemetry"] = new JsonObject { ["otlp"] = collector.Urls.First() } });
        await using (var client = await gateway.ConnectAsync("test"))
        {
            await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hi" });
        }

        // The exporter sends a batch every few seconds.
        Assert.Equal("traces", await received.Task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Without_telemetry_there_is_no_metrics_endpoint()
    {
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))));
        using var http = new HttpClient();

        using var response = await http.GetAsync(new Uri(gateway.BaseUrl, "/metrics"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
