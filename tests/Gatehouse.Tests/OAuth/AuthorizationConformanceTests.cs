using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Testing;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// The official conformance suite's <c>authorization</c> command (<see cref="ConformanceTools.SuiteVersion"/>) against
/// Gatehouse's authorization server: its metadata, and the authorization-code grant with a person signing in at the test
/// provider and consenting (a <see cref="SignInBrowser"/> opens the URL the suite prints and delivers the answer to the
/// suite's callback server, as a person's browser would).
/// </summary>
public sealed class AuthorizationConformanceTests(PeopleSignInTests.Gateway shared) : IClassFixture<PeopleSignInTests.Gateway>
{
    private static readonly TimeSpan s_limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_suites_authorization_scenarios_pass()
    {
        var tools = ConformanceTools.Locate();
        // The suite listens for its callback on a port it is told: one free a moment ago, registered with the client.
        var port = FreePort();
        var callback = new Uri($"http://127.0.0.1:{port}/callback");
        using var registration = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var (status, client) = await registration.RegisterAsync(new JsonObject
        {
            ["client_name"] = "Conformance suite",
            ["redirect_uris"] = new JsonArray(callback.AbsoluteUri),
            ["token_endpoint_auth_method"] = "none",
        }.ToJsonString());
        Assert.True(status == HttpStatusCode.Created, client.ToJsonString());
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        var output = new StringBuilder();
        var startInfo = new ProcessStartInfo(tools.Node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { tools.SuiteCli, "authorization", "--url", shared.Gatehouse.BaseUrl.AbsoluteUri,
            "--client-id", client["client_id"]!.GetValue<string>(), "--resource", shared.Gatehouse.McpUrl("test").AbsoluteUri, "-p", port.ToString() })
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        var errors = process.StandardError.ReadToEndAsync();
        var browsing = Task.CompletedTask;
        var run = Task.Run(async () =>
        {
            var askedToBrowse = false;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }

                if (askedToBrowse && line.StartsWith("http", StringComparison.Ordinal))
                {
                    browsing = BrowseAsync(browser, new Uri(line.Trim()), callback);
                    askedToBrowse = false;
                }

                askedToBrowse |= line.Contains("Access the following URL", StringComparison.Ordinal);
            }
        });
        try
        {
            await process.WaitForExitAsync().WaitAsync(s_limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The conformance suite did not finish within {s_limit}:\n{output}\n{await errors}");
        }

        await run;
        await browsing;
        var text = output.ToString();
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{text}\n{await errors}");
        Assert.DoesNotContain("FAILURE", text, StringComparison.Ordinal);
        // Two checks since the metadata says it takes client ID metadata documents, which the suite then checks too.
        Assert.Matches(@"✓ authorization-server-metadata-endpoint: [1-9]\d* passed, 0 failed", text);
        Assert.Contains("✓ authorization-code-grant: 1 passed, 0 failed", text, StringComparison.Ordinal);
        Assert.Equal(1, browser.ConsentPagesSeen);
    }

    /// <summary>The person's part: sign in, consent, and the browser lands on the suite's callback.</summary>
    private static async Task BrowseAsync(SignInBrowser browser, Uri authorization, Uri callback)
    {
        var back = await browser.AuthorizeAsync(authorization, callback);
        // The suite prints the URL as its callback server starts listening: the answer is delivered once it listens.
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                using var delivered = await browser.Http.GetAsync(back);
                return delivered.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the suite's callback server taking the authorization response", TimeSpan.FromSeconds(30));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
