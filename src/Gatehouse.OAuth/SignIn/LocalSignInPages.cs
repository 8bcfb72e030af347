using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// The pages of <see cref="LocalSignIns"/>: the person names the identity they ask to sign in as, then waits on a page
/// that shows their code until an admin answers; approved, that browser gets a <see cref="PersonSession"/> and goes back
/// to the authorization request, where the consent page still asks them.
/// </summary>
internal static class LocalSignInPages
{
    public const string AskPath = "/oauth/local/ask";
    public const string WaitPath = "/oauth/local/wait";
    private const string Cookie = "gatehouse-oauth-local";
    private const int MaxIdentityLength = 200;

    /// <summary>The page that asks who the person is, for <paramref name="request"/>.</summary>
    public static Task WriteAskAsync(HttpContext context, IAntiforgery antiforgery, string returnUrl, OAuthSignInRequest request, string? error = null)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return WriteAsync(context.Response, StatusCodes.Status200OK, "Sign in", $"""
            <h1>Sign in to connect {Html.Encode(request.ClientName ?? request.ClientId)} to {Html.Encode(request.Server)}</h1>
            {(error is null ? "" : $"<p class=\"warn\">{Html.Encode(error)}</p>")}
            <p>This Gatehouse signs people in on this machine: an admin approves each sign-in.</p>
            <form method="post" action="{Html.Encode(context.Request.PathBase + AskPath)}">
              <input type="hidden" name="{Html.Encode(tokens.FormFieldName)}" value="{Html.Encode(tokens.RequestToken)}">
              <input type="hidden" name="return" value="{Html.Encode(returnUrl)}">
              <input type="hidden" name="client_id" value="{Html.Encode(request.ClientId)}">
              <p><label for="identity">Your identity at Gatehouse</label><br><input id="identity" name="identity" maxlength="{MaxIdentityLength}" autofocus required></p>
              <div class="actions"><button class="primary" type="submit">Ask an admin</button></div>
            </form>
            """);
    }

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AskPath, AskAsync).DisableAntiforgery();
        endpoints.MapGet(WaitPath, WaitAsync);
    }

    private static async Task AskAsync(HttpContext context, IAntiforgery antiforgery, LocalSignIns requests,
        IOpenIddictApplicationManager applications)
    {
        if (!context.Request.HasFormContentType || !await antiforgery.IsRequestValidAsync(context))
        {
            await ErrorPage.WriteAsync(context.Response, StatusCodes.Status400BadRequest, "Go back and try again", "This form did not come from Gatehouse's page.");
            return;
        }

        var form = context.Request.Form;
        var identity = form["identity"].ToString().Trim();
        var returnUrl = form["return"].ToString();
        var prefix = context.Request.PathBase + OAuthPaths.Authorization + "?";
        // Only back to an authorization request, whose client and server the admin is shown.
        var query = returnUrl.StartsWith(prefix, StringComparison.Ordinal) ? QueryHelpers.ParseQuery(returnUrl[(prefix.Length - 1)..]) : null;
        if (query is null || query["client_id"].Count != 1 || query["resource"].Count != 1)
        {
            await ErrorPage.WriteAsync(context.Response, StatusCodes.Status400BadRequest, "Go back and try again", "This sign-in is not for an application's request.");
            return;
        }

        var clientId = query["client_id"].ToString();
        var server = Uri.TryCreate(query["resource"].ToString(), UriKind.Absolute, out var resource) ? Uri.UnescapeDataString(resource.Segments[^1]) : "?";
        if (identity.Length is 0 or > MaxIdentityLength || identity.Any(char.IsControl))
        {
            await ErrorPage.WriteAsync(context.Response, StatusCodes.Status400BadRequest, "Go back and try again",
                $"Your identity must be 1 to {MaxIdentityLength} characters.");
            return;
        }

        if (requests.Ask(identity, clientId, await NameOfAsync(applications, clientId, context.RequestAborted), server, returnUrl) is not var (code, secret))
        {
            await ErrorPage.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "Too many people are waiting",
                "Try again in a few minutes.");
            return;
        }

        context.Response.Cookies.Append(Cookie, $"{code}.{secret}", new CookieOptions
        {
            HttpOnly = true,
            Path = "/oauth/local",
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            MaxAge = LocalSignIns.Lifetime,
        });
        context.Response.Redirect(context.Request.PathBase + WaitPath);
    }

    private static async Task WaitAsync(HttpContext context, LocalSignIns requests)
    {
        var parts = context.Request.Cookies[Cookie]?.Split('.', 2);
        var (state, request, returnUrl) = parts is [var code, var secret] ? requests.Check(code, secret) : (LocalSignInState.Unknown, null, null);
        switch (state)
        {
            case LocalSignInState.Waiting:
                // Checked again every few seconds: the person need not do anything once the admin has answered.
                context.Response.Headers["Refresh"] = "3";
                await WriteAsync(context.Response, StatusCodes.Status200OK, "Waiting for an admin", $"""
                    <h1>Waiting for an admin</h1>
                    <p>Tell an admin of this Gatehouse your code, and that you asked to sign in as <strong>{Html.Encode(request!.Identity)}</strong>
                    to connect {Html.Encode(request.ClientName ?? request.ClientId)} to {Html.Encode(request.Server)}:</p>
                    <p style="font-size: 2rem; letter-spacing: .1em; font-family: monospace">{Html.Encode(request.Code)}</p>
                    <p class="note">They approve it on the console's OAuth page or with <code>POST /admin/v1/oauth/sign-ins/{Html.Encode(request.Code)}/approve</code>. This page moves on
                    by itself; the request lapses at {request.ExpiresAt:HH:mm} UTC.</p>
                    """);
                return;
            case LocalSignInState.Approved:
                context.Response.Cookies.Delete(Cookie, new CookieOptions { Path = "/oauth/local" });
                await context.SignInAsync(PersonSession.Scheme, PersonSession.PrincipalFor(request!.Identity, []));
                context.Response.Redirect(returnUrl!);
                return;
            case LocalSignInState.Denied:
                await ErrorPage.WriteAsync(context.Response, StatusCodes.Status403Forbidden, "An admin said no",
                    "You are not signed in. Ask the admin, then connect again from the application.");
                return;
            default:
                await ErrorPage.WriteAsync(context.Response, StatusCodes.Status400BadRequest, "No sign-in is waiting here",
                    "It lapsed, or was asked for in another browser. Connect again from the application.");
                return;
        }
    }

    private static async Task<string?> NameOfAsync(IOpenIddictApplicationManager applications, string clientId, CancellationToken cancellationToken) =>
        await applications.FindByClientIdAsync(clientId, cancellationToken) is { } application
            ? await applications.GetDisplayNameAsync(application, cancellationToken)
            : null;

    private static Task WriteAsync(HttpResponse response, int status, string title, string body)
    {
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        return response.WriteAsync(Html.Page(title, body));
    }
}
