using Gatehouse.Audit;
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

        admin.MapGet("/oauth/sign-ins", (LocalSignIns requests) => Results.Json(requests.Pending()));
        admin.MapPost("/oauth/sign-ins/{code}/approve", (string code, HttpContext context, LocalSignIns requests, IAuditLog audit, TimeProvider time) =>
            DecideAsync(context, requests, audit, time, code, approve: true));
        admin.MapPost("/oauth/sign-ins/{code}/deny", (string code, HttpContext context, LocalSignIns requests, IAuditLog audit, TimeProvider time) =>
            DecideAsync(context, requests, audit, time, code, approve: false));
    }

    private static async Task<IResult> DecideAsync(HttpContext context, LocalSignIns requests, IAuditLog audit, TimeProvider time, string code, bool approve)
    {
        if (requests.Decide(code, approve) is not { } request)
        {
            return AdminErrors.Of(StatusCodes.Status404NotFound, "not_found", $"No sign-in with the code {code} is waiting (it lapsed, or was answered).");
        }

        // Who let whom in is the audit log's to say, as for keys.
        var by = CallerIdentity.NameOf(context.User)!;
        await audit.RecordAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.Admin,
            Identity = by,
            Target = request.Identity,
            Decision = approve ? AuditDecisions.SignInApproved : AuditDecisions.SignInDenied,
            Rule = "oauth",
            Reason = $"{by} {(approve ? "approved" : "denied")} the sign-in of '{request.Identity}' (code {request.Code}) to connect " +
                $"{request.ClientName ?? request.ClientId} to {request.Server}",
        }, CancellationToken.None);
        return Results.NoContent();
    }
}
