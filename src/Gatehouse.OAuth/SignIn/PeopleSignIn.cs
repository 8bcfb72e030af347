using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// How people sign in at the authorization endpoint: first who they are (a <see cref="PersonSession"/>, from the
/// operator's provider), then whether they let this client act for them on this server (the consent page, or a consent
/// they gave before). Nobody is signed in without a person at the browser saying so.
/// </summary>
internal sealed class PeopleSignIn(IOptions<OAuthServerOptions> options, IOAuthGrants grants, ConsentTicket tickets, FreshLogin freshLogin,
    IAntiforgery antiforgery, TimeProvider time) : IOAuthSignIn
{
    public async Task<OAuthSignInResult> SignInAsync(HttpContext context, OAuthSignInRequest request, CancellationToken cancellationToken)
    {
        var oidc = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The sign-in was reached without an OpenIddict request.");
        var answering = HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType
            && context.Request.Form.ContainsKey(ConsentPage.AnswerField);
        var session = await context.AuthenticateAsync(PersonSession.Scheme);
        // prompt=login: the person signs in again, whatever session they have, but the session stays until that login
        // succeeds (FreshLogin): the request comes back from the sign-in marked, and passes with a session signed in
        // since. A consent being answered was asked already.
        var loginAgain = oidc.HasPromptValue(PromptValues.Login) && !answering &&
                         !freshLogin.Satisfied(context.Request.Query[FreshLogin.Field], oidc, session);

        if (loginAgain || session.Principal?.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } identity })
        {
            if (options.Value.Provider is null && !options.Value.LocalSignIn)
            {
                return new OAuthSignInResult.Refused("Gatehouse has no way for people to sign in configured, so it issues no tokens.");
            }

            if (oidc.HasPromptValue(PromptValues.None))
            {
                return new OAuthSignInResult.Refused("The person is not signed in, and the request allowed no sign-in page.", Errors.LoginRequired);
            }

            if (answering)
            {
                // A consent posted by a browser that is not signed in: not the person's answer to a page they were shown.
                await ErrorPage.WriteAsync(context.Response, StatusCodes.Status400BadRequest, "Your sign-in has ended",
                    "Go back to the application and connect again.");
                return new OAuthSignInResult.Answered();
            }

            if (options.Value.Provider is null)
            {
                await LocalSignInPages.WriteAskAsync(context, antiforgery, ReturnUrl(context, loginAgain ? freshLogin.Mark(oidc) : null), request);
                return new OAuthSignInResult.Answered();
            }

            await ProviderSignIn.ChallengeAsync(context, ReturnUrl(context, loginAgain ? freshLogin.Mark(oidc) : null), loginAgain);
            return new OAuthSignInResult.Answered();
        }

        var claims = AuthorizationEndpoint.Carried(session.Principal.Claims.Where(c => c.Type is not (ClaimTypes.Name or ClaimTypes.Role))).ToList();
        var clientName = request.ClientName ?? request.ClientId;
        var redirect = new Uri(oidc.RedirectUri!);
        var redirectHost = $"{redirect.Scheme}://{redirect.Authority}";
        var consent = new ConsentRequest(identity, request.ClientId, request.Resource.AbsoluteUri, request.Scopes, $"{clientName}\n{redirectHost}");
        var subject = new ConsentSubject(identity, request.ClientId, oidc.RedirectUri!, request.Resource.AbsoluteUri, request.Scopes, oidc.State,
            oidc.CodeChallenge);
        var grant = grants.GrantFor(request.Server, new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, identity), .. claims], "oauth", ClaimTypes.Name, ClaimTypes.Role)));
        var authorizations = context.RequestServices.GetRequiredService<IOpenIddictAuthorizationManager>();
        var applications = context.RequestServices.GetRequiredService<IOpenIddictApplicationManager>();

        if (answering)
        {
            if (!await antiforgery.IsRequestValidAsync(context) || !tickets.Matches(context.Request.Form[ConsentTicket.Field], subject))
            {
                await ErrorPage.WriteAsync(context.Response, StatusCodes.Status400BadRequest, "This answer does not belong to this request",
                    "Nothing was allowed. Go back to the application and connect again.");
                return new OAuthSignInResult.Answered();
            }

            if (context.Request.Form[ConsentPage.AnswerField] == ConsentPage.Approve && grant is not null)
            {
                var id = await RememberedConsent.RememberAsync(authorizations, applications, consent, time.GetUtcNow(), cancellationToken);
                return new OAuthSignInResult.SignedIn(identity, claims, id);
            }

            return new OAuthSignInResult.Refused($"{identity} did not allow {clientName} to use {request.Server}.");
        }

        // prompt=consent asks again, whatever was consented to before.
        if (!oidc.HasPromptValue(PromptValues.Consent) &&
            await RememberedConsent.FindAsync(authorizations, applications, consent, cancellationToken) is { } remembered)
        {
            return new OAuthSignInResult.SignedIn(identity, claims, remembered);
        }

        if (oidc.HasPromptValue(PromptValues.None))
        {
            return new OAuthSignInResult.Refused("The person has not consented, and the request allowed no consent page.", Errors.ConsentRequired);
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        await ConsentPage.WriteAsync(context.Response, new ConsentPage.Model(clientName, request.ClientId, redirectHost, request.Server, request.Resource,
            identity, grant, request.Scopes, RequestParameters(context), tokens.FormFieldName, tokens.RequestToken!, tickets.Issue(subject),
            context.Request.PathBase + OAuthPaths.Authorization));
        return new OAuthSignInResult.Answered();
    }

    /// <summary>
    /// The authorization request's own parameters, as the client sent them (query or form): carried through the provider
    /// and the consent form so that the request, checked again by OpenIddict each time, survives the trip.
    /// </summary>
    private static List<KeyValuePair<string, string>> RequestParameters(HttpContext context)
    {
        IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source =
            HttpMethods.IsPost(context.Request.Method) && context.Request.HasFormContentType ? context.Request.Form : context.Request.Query;
        return [.. source.Where(p => !p.Key.StartsWith("gh_", StringComparison.Ordinal) && !p.Key.StartsWith("__", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v ?? "")))];
    }

    /// <summary>The authorization request to come back to once signed in: its parameters, with the <see cref="FreshLogin"/> mark if one was asked.</summary>
    private static string ReturnUrl(HttpContext context, string? freshLoginMark) =>
        context.Request.PathBase + OAuthPaths.Authorization + QueryString.Create(RequestParameters(context)
            .Concat(freshLoginMark is null ? [] : [KeyValuePair.Create(FreshLogin.Field, freshLoginMark)])
            .Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)));
}
