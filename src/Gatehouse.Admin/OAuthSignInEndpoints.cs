using Gatehouse.Authentication;
using Gatehouse.OAuth;
using Gatehouse.OAuth.SignIn;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.Admin;

/// <summary>
/// <c>/admin/v1/oauth/sign-ins</c>: the people waiting to sign in on this machine (<c>oauth.localSignIn</c>), each with the
/// code their browser shows, and the admin's answer to each. Mapped only when local sign-in is on.
/// </summary>
internal static class OAuthSignInEndpoints
{
    public static void Map(RouteGroupBuilder admin, IServiceProvider services)
    {
        var options = services.GetService<IOptions<OAuthServerOptions>>()?.Value;
        if (options is not { LocalSignIn: true, Provider: null } || services.GetService<LocalSignIns>() is null)
        {
            return;
        }

        admin.MapGet("/oauth/sign-ins", (LocalSignInDecisions requests) => Results.Json(requests.Pending()));
        admin.MapPost("/oauth/sign-ins/{code}/approve", (string code, HttpContext context, LocalSignInDecisions requests) =>
            DecideAsync(context, requests, code, approve: true));
        admin.MapPost("/oauth/sign-ins/{code}/deny", (string code, HttpContext context, LocalSignInDecisions requests) =>
            DecideAsync(context, requests, code, approve: false));
    }

    private static async Task<IResult> DecideAsync(HttpContext context, LocalSignInDecisions requests, string code, bool approve) =>
        await requests.DecideAsync(CallerIdentity.NameOf(context.User)!, code, approve) is null
            ? AdminErrors.Of(StatusCodes.Status404NotFound, "not_found", $"No sign-in with the code {code} is waiting (it lapsed, or was answered).")
            : Results.NoContent();
}
