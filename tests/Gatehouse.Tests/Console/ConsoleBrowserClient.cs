using System.Net;
using System.Text.RegularExpressions;

namespace Gatehouse.Tests.Console;

/// <summary>
/// A browser as the console sees one, over plain HTTP: it keeps cookies, follows no redirect (so a test sees where the
/// console sends it), and signs in through the sign-in form with its antiforgery token.
/// </summary>
internal sealed partial class ConsoleBrowserClient : IDisposable
{
    private readonly HttpClient _http;

    public ConsoleBrowserClient(Uri baseUrl)
    {
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        BaseUrl = baseUrl;
    }

    public CookieContainer Cookies { get; } = new();

    public Uri BaseUrl { get; }

    public HttpClient Http => _http;

    /// <summary>Signs in with <paramref name="key"/> as a person would, and returns the response (a redirect when it worked).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string key)
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = await AntiforgeryTokenAsync("/ui/sign-in"),
            ["Form.Key"] = key,
        });
        return await _http.PostAsync("/ui/sign-in", content);
    }

    /// <summary>The antiforgery token of the form on the page at <paramref name="path"/>.</summary>
    public async Task<string> AntiforgeryTokenAsync(string path) =>
        TokenField().Match(await _http.GetStringAsync(path)).Groups[1].Value;

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
