using System.Net;
using System.Text.RegularExpressions;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// A person's browser for the sign-in at Gatehouse's authorization endpoint: it follows redirects (keeping cookies, as a
/// browser does across the ports of 127.0.0.1), logs in at the test provider's form as <see cref="User"/>, and answers
/// Gatehouse's consent page with <see cref="Answer"/>, until the browser is sent to the client's redirect URI.
/// </summary>
internal sealed partial class SignInBrowser(string user) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public SignInBrowser(string user, string answer) : this(user) => Answer = answer;

    public string User { get; } = user;

    /// <summary>What the person answers on the consent page: <c>approve</c> or <c>deny</c>.</summary>
    public string Answer { get; set; } = "approve";

    /// <summary>How many consent pages the person was shown.</summary>
    public int ConsentPagesSeen { get; private set; }

    /// <summary>The last consent page shown, as HTML.</summary>
    public string? LastConsentPage { get; private set; }

    public HttpClient Http => _http;

    /// <summary>Opens <paramref name="authorizationUri"/> and returns where the browser is sent back to the client, with the code or the error.</summary>
    public async Task<Uri> AuthorizeAsync(Uri authorizationUri, Uri redirectUri) =>
        (await BrowseAsync(authorizationUri, redirectUri, stopAtConsent: false)).Back!;

    /// <summary>Opens <paramref name="authorizationUri"/>, signing in if asked, up to the consent page: its address and HTML.</summary>
    public async Task<(Uri Url, string Html)> ConsentPageAsync(Uri authorizationUri)
    {
        var (_, url, html) = await BrowseAsync(authorizationUri, new Uri("http://0.0.0.0/nowhere"), stopAtConsent: true);
        return (url!, html!);
    }

    private async Task<(Uri? Back, Uri? Url, string? Html)> BrowseAsync(Uri authorizationUri, Uri redirectUri, bool stopAtConsent)
    {
        var next = new HttpRequestMessage(HttpMethod.Get, authorizationUri);
        // Bounded: a loop of redirects is a failure, not a hang.
        for (var step = 0; step < 20; step++)
        {
            using var response = await _http.SendAsync(next);
            var url = next.RequestUri!;
            next.Dispose();
            if (response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)
            {
                var location = new Uri(url, response.Headers.Location!);
                if (location.GetLeftPart(UriPartial.Path) == redirectUri.GetLeftPart(UriPartial.Path))
                {
                    return (location, null, null);
                }

                next = new HttpRequestMessage(HttpMethod.Get, location);
                continue;
            }

            var html = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {html}");
            }

            if (stopAtConsent && url.AbsolutePath != "/login")
            {
                return (null, url, html);
            }

            next = url.AbsolutePath == "/login" ? LoginForm(url, html) : ConsentForm(url, html);
        }

        throw new InvalidOperationException("The browser was sent around more than 20 times.");
    }

    /// <summary>The fields of the form on <paramref name="html"/>, as the browser would post them.</summary>
    public static List<KeyValuePair<string, string>> HiddenFields(string html) =>
        [.. HiddenField().Matches(html).Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value)))];

    private HttpRequestMessage LoginForm(Uri url, string html) =>
        new(HttpMethod.Post, new Uri(url, "/login"))
        {
            Content = new FormUrlEncodedContent([.. HiddenFields(html), KeyValuePair.Create("username", User)]),
        };

    private HttpRequestMessage ConsentForm(Uri url, string html)
    {
        Assert.Contains("gh_consent", html, StringComparison.Ordinal);
        ConsentPagesSeen++;
        LastConsentPage = html;
        var action = FormAction().Match(html).Groups[1].Value;
        return new HttpRequestMessage(HttpMethod.Post, new Uri(url, WebUtility.HtmlDecode(action)))
        {
            Content = new FormUrlEncodedContent([.. HiddenFields(html), KeyValuePair.Create("gh_consent", Answer)]),
        };
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("""<input type="hidden" name="([^"]*)" value="([^"]*)">""")]
    private static partial Regex HiddenField();

    [GeneratedRegex("""<form method="post" action="([^"]*)">""")]
    private static partial Regex FormAction();
}
