using System.Collections.Concurrent;
using Gatehouse.Testing;
using Gatehouse.TestServer;

namespace Gatehouse.Conformance.Tests;

/// <summary>The MCP servers the suite runs against, directly and behind Gatehouse.</summary>
public enum ConformanceUpstream
{
    /// <summary>
    /// The suite's own reference server (tests/conformance-reference-server, TypeScript SDK): what the suite's authors
    /// check the suite against, and the only one with the 2026-07-28 input-required (SEP-2322) fixtures.
    /// </summary>
    ReferenceServer,

    /// <summary>
    /// Gatehouse's C# test server (tests/Gatehouse.TestServer): the C# SDK the relay is built on, and the 2026-07-28
    /// header validation (SEP-2243) that the reference server lacks.
    /// </summary>
    TestServer,
}

/// <summary>
/// Both upstreams, started once for the test class, and the suite's direct run against each at each revision, made
/// once and shared by the tests that need it (the direct check and the comparison through the gateway).
/// </summary>
public sealed class ConformanceUpstreams : IAsyncLifetime
{
    private readonly ConcurrentDictionary<(ConformanceUpstream, string), Lazy<Task<ConformanceResult>>> _direct = new();
    private ReferenceServerProcess? _reference;
    private RunningTestServer? _testServer;

    /// <summary>The suite, located once the fixture started.</summary>
    public ConformanceSuite Suite { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var tools = ConformanceTools.Locate();
        Suite = new ConformanceSuite(tools);
        _reference = await ReferenceServerProcess.StartAsync(tools);
        _testServer = await TestServerHost.StartAsync();
    }

    /// <summary>The upstream's Streamable HTTP endpoint.</summary>
    public Uri McpUrl(ConformanceUpstream upstream) => upstream switch
    {
        ConformanceUpstream.ReferenceServer => _reference!.McpUrl,
        _ => _testServer!.McpUrl,
    };

    /// <summary>What the upstream itself logged lately (the reference server's output; the test server logs in-process).</summary>
    public string RecentOutput(ConformanceUpstream upstream) =>
        upstream == ConformanceUpstream.ReferenceServer ? _reference!.RecentOutput : "(in-process; see the test's own output)";

    /// <summary>The suite's run at <paramref name="revision"/> straight against <paramref name="upstream"/>, made on first use.</summary>
    public Task<ConformanceResult> DirectAsync(ConformanceUpstream upstream, string revision) =>
        _direct.GetOrAdd((upstream, revision), key => new Lazy<Task<ConformanceResult>>(() => Suite.RunAsync(McpUrl(key.Item1), key.Item2))).Value;

    public async Task DisposeAsync()
    {
        if (_testServer is not null)
        {
            await _testServer.DisposeAsync();
        }

        if (_reference is not null)
        {
            await _reference.DisposeAsync();
        }
    }
}
