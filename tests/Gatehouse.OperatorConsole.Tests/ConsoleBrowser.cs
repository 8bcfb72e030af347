using Microsoft.Playwright;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>Headless Chromium from Debian's package (<c>/usr/bin/chromium</c>, which the test script installs).</summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    /// <summary>Where Debian installs Chromium; Playwright downloads nothing.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not at {ChromiumPath}: run scripts/test.sh, which installs Debian's chromium package.");
        }

        // A page that waits on an upstream (a catalog refresh starts the server) can take seconds on a busy machine.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        // Root (as the test script runs) cannot use Chromium's sandbox.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
