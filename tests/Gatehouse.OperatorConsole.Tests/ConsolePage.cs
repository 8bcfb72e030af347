using Gatehouse.Testing;
using Microsoft.Playwright;

namespace Gatehouse.OperatorConsole.Tests;

/// <summary>
/// One operator's browser tab at 1280x800 on the console: signs in, goes to pages, saves screenshots, and collects what
/// the browser reports as errors so that a test can require there were none.
/// </summary>
public sealed class ConsolePage : IAsyncDisposable
{
    private static readonly string s_screenshots = Path.Combine(RepositoryRoot.Find() ?? Path.GetTempPath(), "TestResults", "console");
    private readonly IBrowserContext _context;
    private readonly Uri _baseUrl;
    private readonly List<string> _errors = [];

    private ConsolePage(IBrowserContext context, IPage page, Uri baseUrl)
    {
        _context = context;
        Page = page;
        _baseUrl = baseUrl;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _errors.Add(error);
        page.SetDefaultTimeout(30_000);
    }

    public IPage Page { get; }

    /// <summary>What the browser reported as errors so far (console errors, uncaught exceptions, failed loads).</summary>
    public IReadOnlyList<string> Errors => _errors;

    public static async Task<ConsolePage> OpenAsync(ConsoleBrowser browser, Uri baseUrl, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await browser.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, ColorScheme = scheme });
        return new ConsolePage(context, await context.NewPageAsync(), baseUrl);
    }

    public async Task GoToAsync(string path)
    {
        await Page.GotoAsync(new Uri(_baseUrl, path).AbsoluteUri);
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>Signs in on the sign-in page with <paramref name="key"/>, as an operator types it.</summary>
    public async Task SignInAsync(string key)
    {
        await GoToAsync("/ui/sign-in");
        await Page.GetByLabel("API key").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>
    /// Saves the tab as <c>TestResults/console/NAME.png</c>, for a person to look at: from the page's top, or scrolled to
    /// <paramref name="part"/> as an operator scrolls to what they work on.
    /// </summary>
    public async Task ScreenshotAsync(string name, ILocator? part = null)
    {
        Directory.CreateDirectory(s_screenshots);
        if (part is null)
        {
            await Page.EvaluateAsync("window.scrollTo(0, 0)");
        }
        else
        {
            await part.EvaluateAsync("element => element.scrollIntoView({ block: 'center', behavior: 'instant' })");
        }

        // Animations finished: a message fading in is shown as it ends up, not half drawn.
        await Page.ScreenshotAsync(new() { Path = Path.Combine(s_screenshots, $"{name}.png"), Animations = ScreenshotAnimations.Disabled });
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
