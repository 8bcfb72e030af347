using System.Text.Json;
using Gatehouse.Approvals;
using Gatehouse.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.Admin;

/// <summary>
/// The approval queue under <c>/admin/v1/approvals</c>: approvers (<c>approver</c>, or <c>approver:GRANT</c> for
/// one grant) list, approve and deny held calls; admins may list them. Nobody decides their own call.
/// </summary>
public static class ApprovalEndpoints
{
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapGatehouseApprovals(this IEndpointRouteBuilder endpoints)
    {
        var approvals = endpoints.MapGroup("/admin/v1/approvals").AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.User;
            if (user.Identity?.AuthenticationType == CallerIdentity.Anonymous)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return Error(StatusCodes.Status401Unauthorized, "unauthorized", "The approval queue needs credentials with the approver role.");
            }

            if (!Roles.MaySeeApprovals(user))
            {
                return Error(StatusCodes.Status403Forbidden, "forbidden", "The approval queue needs the approver role (or admin, to list it).");
            }

            try
            {
                return await next(context);
            }
            catch (ApprovalsUnavailableException)
            {
                return Error(StatusCodes.Status503ServiceUnavailable, "unavailable", "The approval store is unavailable; retry shortly.");
            }
        });

        approvals.MapGet("", async (HttpContext context, ApprovalQueue queue, CancellationToken ct) =>
        {
            ApprovalState? state = ApprovalState.Pending;
            if (context.Request.Query.TryGetValue("state", out var stateText))
            {
                state = stateText.ToString() == "all" ? null : ApprovalJson.ParseState(stateText.ToString());
                if (state is null && stateText.ToString() != "all")
                {
                    return BadRequest($"state must be pending, approved, denied, expired, cancelled, executed or all, not '{stateText}'.");
                }
            }

            var limit = 100;
            if (context.Request.Query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
            {
                return BadRequest($"limit must be a whole number from 1 to {MaxLimit}, not '{limitText}'.");
            }

            // The newest that the caller may see: a one-grant approver's page is not emptied by other grants' calls.
            var calls = await queue.ListAsync(new ApprovalFilter { State = state, Grants = Roles.ApprovalGrants(context.User) }, limit, ct);
            return Results.Json(new { approvals = calls.Select(ApprovalJson.Of) });
        });

        approvals.MapGet("/{id}", async (string id, HttpContext context, ApprovalQueue queue, CancellationToken ct) =>
            await queue.GetAsync(id, ct) is { } call && Roles.MaySee(context.User, call.Grant)
                ? Results.Json(ApprovalJson.Of(call))
                : NotFound(id));

        approvals.MapPost("/{id}/approve", (string id, HttpContext context, ApprovalQueue queue, CancellationToken ct) =>
            DecideAsync(id, context, queue, approve: true, ct));
        approvals.MapPost("/{id}/deny", (string id, HttpContext context, ApprovalQueue queue, CancellationToken ct) =>
            DecideAsync(id, context, queue, approve: false, ct));
        return endpoints;
    }

    private static async Task<IResult> DecideAsync(string id, HttpContext context, ApprovalQueue queue, bool approve, CancellationToken ct)
    {
        string? reason = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            if (!context.Request.HasJsonContentType())
            {
                return BadRequest("The body, when there is one, must be JSON (Content-Type: application/json): { \"reason\": \"...\" }.");
            }

            try
            {
                reason = (await context.Request.ReadFromJsonAsync<DecisionBody>(ct))?.Reason;
            }
            catch (JsonException ex)
            {
                return BadRequest($"The body is not a JSON object with a reason: {ex.Message}");
            }
        }

        // Whether the caller may act on this grant's calls is checked before anything changes.
        if (await queue.GetAsync(id, ct) is not { } call || !Roles.MaySee(context.User, call.Grant))
        {
            return NotFound(id);
        }

        if (!Roles.MayApprove(context.User, call.Grant))
        {
            return Error(StatusCodes.Status403Forbidden, "forbidden", $"Deciding calls of grant '{call.Grant}' needs the approver or approver:{call.Grant} role.");
        }

        var approver = CallerIdentity.NameOf(context.User)!;
        var result = approve ? await queue.ApproveAsync(id, approver, reason, ct) : await queue.DenyAsync(id, approver, reason, ct);
        var body = new { outcome = result.Outcome.ToString(), message = ApprovalJson.Describe(result, id), approval = result.Call is null ? null : ApprovalJson.Of(result.Call) };
        return result.Outcome switch
        {
            ApprovalOutcome.Recorded or ApprovalOutcome.Approved or ApprovalOutcome.Denied => Results.Json(body),
            ApprovalOutcome.NotFound => NotFound(id),
            ApprovalOutcome.SelfApproval or ApprovalOutcome.NotAnApprover => Results.Json(body, statusCode: StatusCodes.Status403Forbidden),
            _ => Results.Json(body, statusCode: StatusCodes.Status409Conflict),
        };
    }

    private static IResult NotFound(string id) => Error(StatusCodes.Status404NotFound, "not_found", $"There is no held call {id}.");

    private static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, "bad_request", message);

    private static IResult Error(int status, string error, string message) => AdminErrors.Of(status, error, message);

    private sealed record DecisionBody(string? Reason);
}
