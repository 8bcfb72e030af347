using System.Net;

namespace Gatehouse.Tests.OAuth;

/// <summary>
/// The consent page attacked: a form posted without its anti-forgery token, with the answer to another request, with the
/// request changed under it, from another person's browser, or from no one's session. Each changes nothing and issues no code.
/// </summary>
public sealed class PeopleSignInAttackTests(PeopleSignInTests.Gateway shared) : IClassFixture<PeopleSignInTests.Gateway>
{
    [Fact]
    public async Task A_consent_without_the_anti_forgery_token_changes_nothing()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var request = PeopleSignInTests.AuthorizeUri(flow, "test", PeopleSignInTests.Fresh());
        var (url, html) = await browser.ConsentPageAsync(request);

        using var response = await PostAsync(browser.Http, url, SignInBrowser.HiddenFields(html).Where(f => !f.Key.StartsWith("__", StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // Not remembered either: the same request asks again.
        var (_, again) = await browser.ConsentPageAsync(request);
        Assert.Contains("gh_consent", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answer_to_one_request_does_not_answer_another()
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var (url, first) = await browser.ConsentPageAsync(PeopleSignInTests.AuthorizeUri(flow, "test", PeopleSignInTests.Fresh()));
        var (_, second) = await browser.ConsentPageAsync(PeopleSignInTests.AuthorizeUri(flow, "other", PeopleSignInTests.Fresh()));
        var ticketOfFirst = SignInBrowser.HiddenFields(first).Single(f => f.Key == "gh_consent_for");

        using var response = await PostAsync(browser.Http, url,
            SignInBrowser.HiddenFields(second).Where(f => f.Key != "gh_consent_for").Append(ticketOfFirst));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("state", "attackers-state")]
    [InlineData("code_challenge", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("resource", "other")]
    [InlineData("redirect_uri", "http://127.0.0.1:1/steal")]
    [InlineData("client_id", "someone-else")]
    public async Task A_request_changed_under_its_consent_gets_no_code(string field, string value)
    {
        using var browser = new SignInBrowser(PeopleSignInTests.Alice);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var (url, html) = await browser.ConsentPageAsync(PeopleSignInTests.AuthorizeUri(flow, "test", PeopleSignInTests.Fresh()));
        var changed = value == "other" ? flow.Resource("other").AbsoluteUri : value;

        using var response = await PostAsync(browser.Http, url, SignInBrowser.HiddenFields(html).Select(f => f.Key == field ? KeyValuePair.Create(field, changed) : f));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_consent_page_answered_from_another_persons_browser_is_refused()
    {
        using var alice = new SignInBrowser(PeopleSignInTests.Alice);
        using var bob = new SignInBrowser(PeopleSignInTests.Bob);
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var (url, html) = await alice.ConsentPageAsync(PeopleSignInTests.AuthorizeUri(flow, "test", PeopleSignInTests.Fresh()));
        // Bob signed in, with an anti-forgery cookie of his own.
        await bob.ConsentPageAsync(PeopleSignInTests.AuthorizeUri(flow, "test", PeopleSignInTests.Fresh()));

        using var response = await PostAsync(bob.Http, url, SignInBrowser.HiddenFields(html));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task A_consent_posted_by_a_browser_that_never_signed_in_is_refused()
    {
        using var alice = new SignInBrowser(PeopleSignInTests.Alice);
        using var stranger = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var flow = new OAuthTestClient(shared.Gatehouse.BaseUrl);
        var (url, html) = await alice.ConsentPageAsync(PeopleSignInTests.AuthorizeUri(flow, "test", PeopleSignInTests.Fresh()));

        using var response = await PostAsync(stranger, url, SignInBrowser.HiddenFields(html));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, Uri url, IEnumerable<KeyValuePair<string, string>> fields) =>
        http.PostAsync(new Uri(url, "/oauth/authorize"), new FormUrlEncodedContent(fields.Append(KeyValuePair.Create("gh_consent", "approve"))));
}
