using Gatehouse.TestServer;
using Xunit.Abstractions;

namespace Gatehouse.Conformance.Tests;

public sealed class ConformanceSuiteTests(ITestOutputHelper output)
{
    // No check is known to fail against the test server. Two warnings are expected and not failures:
    // server-sse-polling's server-sse-retry-field and server-sse-disconnect-resume. Suite 0.1.16 sends
    // that scenario's raw requests with MCP-Protocol-Version 2025-03-26 inside a session that
    // negotiated 2025-11-25, and the C# SDK 2.4.0 rightly refuses a version change within a session.
    [Fact]
    public async Task Suite_passes_directly_against_the_test_server()
    {
        var suite = ConformanceSuite.Locate();
        await using var server = await TestServerHost.StartAsync();

        var result = await suite.RunAsync(server.McpUrl);

        output.WriteLine(result.Describe("direct"));
        Assert.True(result.Scenarios.Count > 0, $"The suite reported no scenario (exit code {result.ExitCode}). Stderr:\n{result.StandardError}");
        Assert.True(result.Failed == 0, $"Failed checks: {string.Join(", ", result.FailedCheckKeys)}\n{result.Describe("direct")}\nStderr:\n{result.StandardError}");
        Assert.Equal(0, result.ExitCode);
    }
}
