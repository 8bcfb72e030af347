using System.Diagnostics;
using System.Text.Json.Nodes;
using Gatehouse.Audit;
using Gatehouse.Testing;
using Gatehouse.TestServer;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tests.Relay;

/// <summary>
/// The TypeScript SDK's v2 client (<c>@modelcontextprotocol/client</c>), which speaks both MCP eras, through the gateway
/// to upstreams of both eras. How it picks an era is its own: by default (<c>versionNegotiation</c> absent, or
/// <c>'legacy'</c>) it opens a 2025-11-25 session and never asks for 2026-07-28; with <c>'auto'</c> it probes with
/// <c>server/discover</c> and falls back to a session on a <c>-32022</c> that offers no 2026 revision; with
/// <c>{ pin: '2026-07-28' }</c> it never falls back. On 2026-07-28 it answers <c>input_required</c> itself, through the
/// same <c>elicitation/create</c> handler a session's server-to-client request reaches, and retries the call.
/// </summary>
public sealed class TypeScriptV2ClientTests
{
    private const string Modern = "2026-07-28";
    private const string Session = "2025-11-25";
    private const string MultiRound = "test_input_required_result_multi_round";

    /// <summary>
    /// Runs the scenario in GATEHOUSE_SCENARIO: connects to <c>url</c> with the given era negotiation (none: the
    /// client's default), lists tools, makes the <c>calls</c> in order, ends its session if it has one and prints one
    /// JSON line of what it saw. A failure to connect or a call that throws is reported, not thrown, so the test can
    /// assert on it; any other failure exits non-zero.
    /// </summary>
    private const string Script = """
        import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

        const scenario = JSON.parse(process.env.GATEHOUSE_SCENARIO);
        const client = new Client({ name: "gatehouse-ts-v2-test", version: "1.0.0" }, {
          capabilities: { elicitation: { form: {} } },
          ...(scenario.negotiation == null ? {} : { versionNegotiation: { mode: scenario.negotiation } }),
        });
        const asked = [];
        client.setRequestHandler("elicitation/create", async (request) => {
          asked.push(request.params.message);
          const fields = Object.keys(request.params.requestedSchema?.properties ?? {});
          return { action: "accept", content: Object.fromEntries(fields.map((f) => [f, scenario.answers?.[f] ?? `no answer for ${f}`])) };
        });
        const failure = (e) => ({ thrown: { name: e?.constructor?.name ?? null, code: e?.code ?? null, message: String(e?.message ?? e), data: e?.data ?? null } });

        const report = { asked };
        const transport = new StreamableHTTPClientTransport(new URL(scenario.url));
        try {
          await client.connect(transport);
        } catch (e) {
          report.connect = failure(e);
          console.log(JSON.stringify(report));
          process.exit(0);
        }
        report.protocolVersion = client.getNegotiatedProtocolVersion() ?? null;
        report.era = client.getProtocolEra() ?? null;
        report.sessionId = transport.sessionId ?? null;
        report.server = client.getServerVersion()?.name ?? null;
        report.discover = client.getDiscoverResult() ?? null;
        report.tools = (await client.listTools()).tools.map((t) => t.name);
        report.calls = [];
        for (const call of scenario.calls) {
          try {
            report.calls.push(await client.callTool(call));
          } catch (e) {
            report.calls.push(failure(e));
          }
        }
        if (transport.sessionId) await transport.terminateSession();
        await client.close();
        console.log(JSON.stringify(report));
        """;

    // Node, the SDK's load and a stdio upstream's start share two cores with the rest of the suite.
    private static readonly TimeSpan s_scriptLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Pinned_to_2026_07_28_it_lists_and_calls_without_a_session_and_a_denied_or_unknown_tool_is_refused()
    {
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))),
            policies: new Dictionary<string, string> { ["test"] = """{ "version": "1", "default": "allow", "tools": { "test_sampling": "deny" } }""" });

        var seen = await RunAsync(gateway.McpUrl("test"), new JsonObject { ["pin"] = Modern },
            Call("echo", new JsonObject { ["message"] = "from the v2 client" }), Call("test_sampling", new JsonObject { ["prompt"] = "hi" }), Call("no_such_tool"));

        Assert.Equal((Modern, "modern", (string?)null), ((string?)seen["protocolVersion"], (string?)seen["era"], (string?)seen["sessionId"]));
        // The era was read from the gateway's server/discover: the upstream's identity and capabilities, marked private.
        var discover = seen["discover"]!;
        Assert.Contains(Modern, discover["supportedVersions"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("gatehouse-test-server", (string?)discover["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"]);
        Assert.NotNull(discover["capabilities"]?["tools"]);
        Assert.Equal("private", (string?)discover["cacheScope"]);

        var tools = Names(seen["tools"]);
        Assert.Contains("echo", tools);
        Assert.DoesNotContain("test_sampling", tools);
        var calls = seen["calls"]!.AsArray();
        Assert.Equal("from the v2 client", Text(calls[0]));
        AssertRefused(calls[1], "deny", "tools.test_sampling");
        AssertRefused(calls[2], "deny", "default");

        // What shows that no session carried the call is the gateway's own record of it.
        var echo = Assert.Single(await DecisionsAsync(gateway, "test", "echo"));
        Assert.Equal(AuditDecisions.Allow, echo.Decision);
        Assert.True(string.IsNullOrEmpty(echo.Session), $"The 2026-07-28 call was recorded in session '{echo.Session}'.");
    }

    [Fact]
    public async Task Left_at_its_default_it_opens_a_2025_11_25_session_and_answers_the_servers_elicitation_on_it()
    {
        await using var upstream = await TestServerHost.StartAsync();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("test", Upstreams.Http(upstream.McpUrl))));

        var seen = await RunAsync(gateway.McpUrl("test"), negotiation: null,
            Call("echo", new JsonObject { ["message"] = "in a session" }),
            Call("test_elicitation", new JsonObject { ["message"] = "Who are you?" }),
            Call("no_such_tool"));

        Assert.Equal((Session, "legacy"), ((string?)seen["protocolVersion"], (string?)seen["era"]));
        var sessionId = (string?)seen["sessionId"];
        Assert.False(string.IsNullOrEmpty(sessionId), "The 2025-11-25 client got no Mcp-Session-Id.");
        Assert.Null(seen["discover"]);
        Assert.Equal("gatehouse-test-server", (string?)seen["server"]);
        var calls = seen["calls"]!.AsArray();
        Assert.Equal("in a session", Text(calls[0]));
        // A server-to-client request relayed on the session, answered by the same handler input_required uses.
        Assert.Equal(["Who are you?"], Names(seen["asked"]));
        Assert.Equal("User response: action=accept, content={\"username\":\"Ada\",\"email\":\"ada@example.com\"}", Text(calls[1]));
        AssertRefused(calls[2], "deny", "default");

        var echo = Assert.Single(await DecisionsAsync(gateway, "test", "echo"));
        Assert.Equal(sessionId, echo.Session);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("auto")]
    public async Task Against_a_stdio_server_of_2025_it_ends_up_in_a_session_by_default_and_in_auto_mode(string? negotiation)
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("everything", Upstreams.Everything())));

        var seen = await RunAsync(gateway.McpUrl("everything"), negotiation, Call("echo", new JsonObject { ["message"] = "fell back" }));

        // 'auto' asked server/discover first and took the gateway's -32022, which names only 2025 revisions, as a
        // reason to fall back; the default never asked.
        Assert.Equal((Session, "legacy"), ((string?)seen["protocolVersion"], (string?)seen["era"]));
        Assert.Null(seen["discover"]);
        Assert.False(string.IsNullOrEmpty((string?)seen["sessionId"]), "The client fell back but got no Mcp-Session-Id.");
        Assert.Equal("mcp-servers/everything", (string?)seen["server"]);
        Assert.Contains("echo", Names(seen["tools"]));
        Assert.Equal("Echo: fell back", Text(seen["calls"]![0]));
    }

    [Fact]
    public async Task Pinned_to_2026_07_28_against_a_stdio_server_of_2025_it_is_refused_with_the_revisions_the_gateway_serves()
    {
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("everything", Upstreams.Everything())));

        var seen = await RunAsync(gateway.McpUrl("everything"), new JsonObject { ["pin"] = Modern });

        // A pin has no fallback: the client surfaces the gateway's UnsupportedProtocolVersion as it got it.
        var refused = seen["connect"]?["thrown"] ?? throw new Xunit.Sdk.XunitException($"The pinned client connected: {seen.ToJsonString()}");
        Assert.Equal(-32022, (int?)refused["code"]);
        Assert.Equal(Modern, (string?)refused["data"]?["requested"]);
        var supported = Names(refused["data"]?["supported"]);
        Assert.Contains(Session, supported);
        Assert.DoesNotContain(Modern, supported);
    }

    [Fact]
    public async Task Pinned_to_2026_07_28_it_lists_and_calls_a_pooled_stdio_server()
    {
        using var directory = new TestDirectory();
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(
            ("listmonk", Upstreams.Demo(directory.File("demo.db")).With("pool", new JsonObject { ["min"] = 1, ["max"] = 2 }))));

        var seen = await RunAsync(gateway.McpUrl("listmonk"), new JsonObject { ["pin"] = Modern }, Call("check_listmonk_health"));

        Assert.Equal((Modern, "modern", (string?)null), ((string?)seen["protocolVersion"], (string?)seen["era"], (string?)seen["sessionId"]));
        Assert.Equal("Listmonk MCP Server", (string?)seen["discover"]?["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"]);
        Assert.Contains("check_listmonk_health", Names(seen["tools"]));
        var health = seen["calls"]![0]!;
        Assert.NotEqual(true, (bool?)health["isError"]);
        Assert.Contains("healthy", Text(health));
    }

    [Fact]
    public async Task An_input_required_call_of_several_rounds_completes_through_the_gateway_and_counts_once()
    {
        // The C# test server cannot ask under 2026-07-28 (its elicitation needs a session); the conformance suite's
        // reference server answers input_required, with a new requestState each round.
        await using var upstream = await ReferenceServerProcess.StartAsync(ConformanceTools.Locate());
        await using var gateway = await RunningGateway.StartAsync(Upstreams.Servers(("reference", Upstreams.Http(upstream.McpUrl))),
            policies: new Dictionary<string, string>
            {
                ["reference"] = $$"""
                    { "version": "1", "default": "allow",
                      "tools": { "{{MultiRound}}": { "limits": [ { "counter": "rounds", "window": "minute", "max": 1, "scope": "identity" } ] } } }
                    """,
            });

        var seen = await RunAsync(gateway.McpUrl("reference"), new JsonObject { ["pin"] = Modern }, Call(MultiRound), Call(MultiRound));

        Assert.Equal(Modern, (string?)seen["protocolVersion"]);
        var calls = seen["calls"]!.AsArray();
        Assert.Equal(["Step 1: What is your name?", "Step 2: What is your favorite color?"], Names(seen["asked"]));
        Assert.Equal("Multi-round complete for Ada who likes green", Text(calls[0]));
        // Three rounds spent one of the one call a minute allows; the next call is a new one.
        AssertRefused(calls[1], "rate_limited", $"tools.{MultiRound}");
        var decisions = await DecisionsAsync(gateway, "reference", MultiRound);
        Assert.Equal([AuditDecisions.Allow, AuditDecisions.Allow, AuditDecisions.Allow, AuditDecisions.RateLimited],
            decisions.Select(d => d.Decision));
    }

    private static JsonObject Call(string name, JsonObject? arguments = null) =>
        new() { ["name"] = name, ["arguments"] = arguments ?? [] };

    private static string Text(JsonNode? result) =>
        (string?)result?["content"]?[0]?["text"] ?? throw new Xunit.Sdk.XunitException($"No text content in {result?.ToJsonString()}");

    private static List<string?> Names(JsonNode? array) =>
        array?.AsArray().Select(n => (string?)n).ToList() ?? throw new Xunit.Sdk.XunitException("Expected an array, got nothing.");

    /// <summary>A refusal of the gateway, as the v2 client hands it back: a tool result, not a thrown error.</summary>
    private static void AssertRefused(JsonNode? result, string decision, string rule)
    {
        Assert.True((bool?)result?["isError"] == true, $"Expected a refusal, got {result?.ToJsonString()}");
        var why = result!["_meta"]?["gatehouse/decision"];
        Assert.Equal((decision, rule), ((string?)why?["decision"], (string?)why?["rule"]));
    }

    /// <summary>The gateway's decision records on <paramref name="target"/>, oldest first.</summary>
    private static async Task<List<AuditEvent>> DecisionsAsync(RunningGateway gateway, string server, string target)
    {
        var page = await gateway.Services.GetRequiredService<IAuditStore>()
            .QueryAsync(new AuditQuery { Server = server, Target = target, Kind = AuditKinds.Decision }, default);
        return page.Records.OrderBy(r => r.Sequence).Select(r => r.Event).ToList();
    }

    /// <summary>Runs <see cref="Script"/> on the pinned Node 22 and returns what it printed.</summary>
    /// <param name="negotiation">The client's <c>versionNegotiation.mode</c>; null leaves the option out.</param>
    private static async Task<JsonObject> RunAsync(Uri url, JsonNode? negotiation, params JsonObject[] calls)
    {
        var scenario = new JsonObject
        {
            ["url"] = url.ToString(),
            ["negotiation"] = negotiation,
            ["calls"] = new JsonArray(calls),
            ["answers"] = new JsonObject { ["username"] = "Ada", ["email"] = "ada@example.com", ["name"] = "Ada", ["color"] = "green" },
        };
        var report = await NodeScript.RunAsync(Script, new Dictionary<string, string> { ["GATEHOUSE_SCENARIO"] = scenario.ToJsonString() },
            s_scriptLimit, $"The v2 client against {url}");
        return report as JsonObject ?? throw new InvalidOperationException($"The v2 client printed no report object against {url}: {report.ToJsonString()}");
    }
}
