using System.Diagnostics;
using Gatehouse.Testing;
using Xunit.Abstractions;

namespace Gatehouse.Conformance.Tests;

/// <summary>
/// The suite's client scenarios <c>auth/*</c>, with Gatehouse as the OAuth client of the suite's mock server: the suite runs
/// scripts/conformance-upstream-auth.mjs as its client command, which starts Gatehouse in front of the mock server, connects
/// the account as a person's browser would, and calls through.
/// </summary>
/// <remarks>
/// <c>auth/scope-step-up</c> and <c>auth/authorization-server-migration</c> refuse a call with a link to connect again (for
/// the larger scope, or at the new authorization server): the wrapper opens it as the person would and sends the call
/// again in the same session. <c>auth/2025-03-26-oauth-endpoint-fallback</c> runs with <c>"defaultEndpoints": true</c>,
/// as an operator sets it for a server known to publish no metadata.
/// </remarks>
public sealed class UpstreamAuthScenarioTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("metadata-default")]
    [InlineData("metadata-var1")]
    [InlineData("metadata-var2")]
    [InlineData("metadata-var3")]
    [InlineData("basic-cimd")]
    [InlineData("scope-from-www-authenticate")]
    [InlineData("scope-from-scopes-supported")]
    [InlineData("scope-omitted-when-undefined")]
    [InlineData("scope-retry-limit")]
    [InlineData("scope-step-up")]
    [InlineData("authorization-server-migration")]
    [InlineData("token-endpoint-auth-basic")]
    [InlineData("token-endpoint-auth-post")]
    [InlineData("token-endpoint-auth-none")]
    [InlineData("pre-registration")]
    [InlineData("2025-03-26-oauth-metadata-backcompat")]
    [InlineData("2025-03-26-oauth-endpoint-fallback")]
    [InlineData("resource-mismatch")]
    [InlineData("offline-access-scope")]
    [InlineData("offline-access-not-supported")]
    [InlineData("iss-supported")]
    [InlineData("iss-not-advertised")]
    [InlineData("iss-supported-missing")]
    [InlineData("iss-wrong-issuer")]
    [InlineData("iss-unexpected")]
    [InlineData("iss-normalized")]
    [InlineData("metadata-issuer-mismatch")]
    public async Task The_scenario_passes_with_Gatehouse_as_the_client(string scenario)
    {
        var tools = ConformanceTools.Locate();
        var wrapper = Path.Combine(RepositoryRoot.Find() ?? throw new InvalidOperationException("The repository root was not found."),
            "scripts", "conformance-upstream-auth.mjs");
        var startInfo = new ProcessStartInfo(tools.Node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { tools.SuiteCli, "client", "--command", $"\"{tools.Node}\" \"{wrapper}\"", "--scenario", $"auth/{scenario}" })
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["GATEHOUSE_DLL"] = Path.Combine(AppContext.BaseDirectory, "gatehouse.dll");
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {tools.Node}.");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync().WaitAsync(s_timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The suite did not finish auth/{scenario} within {s_timeout.TotalMinutes:0} minutes.");
        }

        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(text.Contains("OVERALL: PASSED", StringComparison.Ordinal), $"auth/{scenario} did not pass; the suite's output is in the test log.");
    }
}
