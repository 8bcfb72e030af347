using System.Net;
using System.Text.RegularExpressions;
using Gatehouse.TestIdentityProvider;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Tests.Relay;

/// <summary>A person's browser, without a browser: it opens a link to connect an account and signs in at the upstream's provider.</summary>
internal static partial class UpstreamBrowser
{
    /// <summary>The link to connect an account, as a refusal's text carries it.</summary>
    public static Uri LinkIn(string refusal) =>
        new(ConnectLink().Match(refusal) is { Success: true } match ? match.Value : throw new InvalidOperationException($"No link to connect in: {refusal}"));

    /// <summary>Opens <paramref name="link"/>, signs in as <paramref name="user"/> at <paramref name="provider"/>, and returns the page the gateway ends on.</summary>
    public static async Task<(HttpStatusCode Status, string Page)> ConnectAsync(Uri link, IdentityProvider provider, string user)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() });
        var authorize = await RedirectOfAsync(http.GetAsync(link));
        Assert.Equal(provider.Issuer.Authority, authorize.Authority);

        // Not signed in at the provider yet: its login form, then back to the authorization request.
        var login = await RedirectOfAsync(http.GetAsync(authorize));
        var returnUrl = QueryHelpers.ParseQuery(login.Query)["ReturnUrl"].ToString();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user, ["returnUrl"] = returnUrl });
        var back = await RedirectOfAsync(http.PostAsync(new Uri(provider.Issuer, "login"), form));
        var callback = await RedirectOfAsync(http.GetAsync(new Uri(provider.Issuer, back)));
        Assert.Equal(link.Authority, callback.Authority);

        using var page = await http.GetAsync(callback);
        return (page.StatusCode, await page.Content.ReadAsStringAsync());
    }

    private static async Task<Uri> RedirectOfAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        return response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found && response.Headers.Location is { } location
            ? location
            : throw new InvalidOperationException($"Expected a redirect, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [GeneratedRegex(@"https?://\S+/connect/[^\s?]+\?ticket=[A-Za-z0-9_\-%]+")]
    private static partial Regex ConnectLink();
}
