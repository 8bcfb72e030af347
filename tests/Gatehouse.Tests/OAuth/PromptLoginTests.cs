using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// <c>prompt=login</c> at Gatehouse's authorization endpoint: the person signs in again although they have a session, at
/// the provider too (Gatehouse forwards <c>prompt=login</c> and <c>max_age=0</c>), and a provider that answers with its
/// old session instead is refused. The earlier session stays until the new login succeeds.
/// </summary>
public sealed class PromptLoginTests(PeopleSignInTests.Gateway shared) : IClassFixture<PeopleSignInTests.Gateway>
{
    [Fact]
    public async Task Prompt_login_signs_the_person_in_again_at_the_provider_despite_both_sessions()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var redirect = new Uri(OAuthTestClient.RedirectUri);
        var scope = PeopleSignInTests.Fresh();
        var logins = LoginsOfAlice();
        await browser.AuthorizeAsync(PeopleSignInTests.AuthorizeUri(flow, "test", scope), redirect);
        await browser.AuthorizeAsync(PeopleSignInTests.AuthorizeUri(flow, "test", scope), redirect);
        Assert.Equal(logins + 1, LoginsOfAlice());

        var back = await browser.AuthorizeAsync(LoginAgain(PeopleSignInTests.AuthorizeUri(flow, "test", scope)), redirect);

        Assert.Equal(logins + 2, LoginsOfAlice());
        // Consent given before still stands: signing in again is not consenting again.
        Assert.Equal(1, browser.ConsentPagesSeen);
        var (status, body) = await flow.ExchangeAsync(QueryHelpers.ParseQuery(back.Query)["code"].ToString());
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    [Fact]
    public async Task A_provider_that_answers_prompt_login_with_its_old_session_signs_no_one_in()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var scope = PeopleSignInTests.Fresh();
        // A session the provider made an hour ago, which it then hands out whatever it is asked.
        shared.Provider.Options.LoginTimeShift = TimeSpan.FromHours(-1);
        try
        {
            await browser.AuthorizeAsync(PeopleSignInTests.AuthorizeUri(flow, "test", scope), new Uri(OAuthTestClient.RedirectUri));
            shared.Provider.Options.IgnoresLoginPrompt = true;

            var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                browser.AuthorizeAsync(LoginAgain(PeopleSignInTests.AuthorizeUri(flow, "test", scope)), new Uri(OAuthTestClient.RedirectUri)));

            Assert.Contains("answered 403", refusal.Message, StringComparison.Ordinal);
            Assert.Contains("Sign in again", refusal.Message, StringComparison.Ordinal);
        }
        finally
        {
            (shared.Provider.Options.IgnoresLoginPrompt, shared.Provider.Options.LoginTimeShift) = (false, TimeSpan.Zero);
        }

        // The refused login replaced nothing: the earlier session still answers a request that does not ask for a new one.
        using var next = await browser.Http.GetAsync(PeopleSignInTests.AuthorizeUri(flow, "test", scope));
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.StartsWith(OAuthTestClient.RedirectUri, next.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prompt_login_link_that_is_abandoned_leaves_the_earlier_session_working()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var scope = PeopleSignInTests.Fresh();
        await browser.AuthorizeAsync(PeopleSignInTests.AuthorizeUri(flow, "test", scope), new Uri(OAuthTestClient.RedirectUri));
        var logins = LoginsOfAlice();

        // Another site's link: the browser is sent to the provider, and the person closes the tab there.
        using var hostile = await browser.Http.GetAsync(LoginAgain(PeopleSignInTests.AuthorizeUri(flow, "test", scope)));
        Assert.Equal(HttpStatusCode.Redirect, hostile.StatusCode);
        Assert.StartsWith(shared.Provider.Issuer.GetLeftPart(UriPartial.Authority), hostile.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);

        using var next = await browser.Http.GetAsync(PeopleSignInTests.AuthorizeUri(flow, "test", scope));
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.StartsWith(OAuthTestClient.RedirectUri, next.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(logins, LoginsOfAlice());
    }

    [Fact]
    public async Task A_prompt_login_request_with_a_made_up_mark_is_sent_to_the_provider_again()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var scope = PeopleSignInTests.Fresh();
        await browser.AuthorizeAsync(PeopleSignInTests.AuthorizeUri(flow, "test", scope), new Uri(OAuthTestClient.RedirectUri));

        var forged = new Uri(QueryHelpers.AddQueryString(LoginAgain(PeopleSignInTests.AuthorizeUri(flow, "test", scope)).AbsoluteUri,
            "gh_login_asked", "CfDJ8made-up"));
        using var response = await browser.Http.GetAsync(forged);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(shared.Provider.Issuer.GetLeftPart(UriPartial.Authority), response.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    private int LoginsOfAlice() => shared.Provider.Options.Logins.Count(name => name == PeopleSignInTests.Alice);

    private static Uri LoginAgain(Uri request) => new(QueryHelpers.AddQueryString(request.AbsoluteUri, "prompt", "login"));
}
