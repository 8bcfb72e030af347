using System.Text.Json;
using Gatehouse.Audit;
using Gatehouse.Authentication;
using Gatehouse.Catalog;
using Gatehouse.Policy;
using Gatehouse.Store;
using Gatehouse.Store.ApiKeys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.Admin;

/// <summary>
/// The admin REST API under <c>/admin/v1</c>. Every endpoint needs the admin role; everyone else gets 403, and
/// a caller without credentials 401 (from authentication, which runs first).
/// </summary>
public static class AdminEndpoints
{
    /// <summary>Maps the admin API.</summary>
    public static IEndpointRouteBuilder MapGatehouseAdmin(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/admin/v1").AddEndpointFilter(async (context, next) =>
        {
            var user = context.HttpContext.User;
            if (user.Identity?.AuthenticationType == CallerIdentity.Anonymous)
            {
                // The anonymous identity is for agents on a laptop, never for administration: ask for credentials.
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return AdminErrors.Of(StatusCodes.Status401Unauthorized, "unauthorized", "The admin API needs credentials with the admin role.");
            }

            if (!user.IsInRole(Roles.Admin))
            {
                return AdminErrors.Of(StatusCodes.Status403Forbidden, "forbidden", "The admin API needs the admin role.");
            }

            try
            {
                return await next(context);
            }
            catch (Exception e) when (e is StoreUnavailableException or AuditUnavailableException or CatalogUnavailableException)
            {
                return AdminErrors.Of(StatusCodes.Status503ServiceUnavailable, "unavailable", "The store is unavailable; retry shortly.");
            }
        });

        admin.MapGet("/keys", async (ApiKeyAdministration keys, TimeProvider time, CancellationToken ct) =>
            Results.Json((await keys.ListAsync(ct)).Select(k => Describe(k, time))));

        admin.MapPost("/keys", async (HttpContext context, ApiKeyAdministration keys, CancellationToken ct) =>
        {
            if (!context.Request.HasJsonContentType())
            {
                return BadRequest("The body must be JSON (Content-Type: application/json): { \"identity\": ..., \"roles\": [...], \"expires\": \"30d\" }.");
            }

            NewKey? request;
            try
            {
                request = await context.Request.ReadFromJsonAsync<NewKey>(ct);
            }
            catch (JsonException ex)
            {
                return BadRequest($"The body is not a JSON object of identity, roles and expires: {ex.Message}");
            }

            var created = await keys.CreateAsync(CallerIdentity.NameOf(context.User)!, request?.Identity, request?.Roles, request?.Expires, ct);
            if (created.Key is not { Record: var record, Secret: var secret })
            {
                return BadRequest(created.Error!);
            }

            return Results.Json(new { key = secret, id = record.Id, identity = record.Identity, roles = record.Roles, expiresAt = record.ExpiresAt },
                statusCode: StatusCodes.Status201Created);
        });

        admin.MapDelete("/keys/{id}", async (string id, HttpContext context, ApiKeyAdministration keys, CancellationToken ct) =>
            await keys.RevokeAsync(CallerIdentity.NameOf(context.User)!, id, ct) == ApiKeyRevocation.NotFound
                ? AdminErrors.Of(StatusCodes.Status404NotFound, "not_found", $"There is no key {id}.")
                : Results.NoContent());

        admin.MapGet("/audit", async (HttpContext context, IAuditStore audit, TimeProvider time, CancellationToken ct) =>
        {
            if (context.Request.Query.Keys.FirstOrDefault(key => !s_auditQueryFields.Contains(key)) is { } unknown)
            {
                return BadRequest($"Unknown query parameter '{unknown}'; the audit log is queried by {string.Join(", ", s_auditQueryFields)}.");
            }

            var values = context.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
            if (AuditQueryText.Parse(values, time.GetUtcNow(), out var error) is not { } query)
            {
                return BadRequest(error!);
            }

            var page = await audit.QueryAsync(query, ct);
            return Results.Json(new { records = page.Records.Select(AuditJson.Of), next = page.NextBefore });
        });

        admin.MapGet("/audit/verify", async (IAuditStore audit, CheckpointSigner signer, CancellationToken ct) =>
            Results.Json(AuditJson.Of(await AuditVerifier.VerifyAsync(await audit.GetCheckpointAsync(ct), audit.ReadAsync(0, ct), signer, ct))));

        CatalogEndpoints.Map(admin);
        OAuthSignInEndpoints.Map(admin, endpoints.ServiceProvider);
        return endpoints;
    }

    private static readonly HashSet<string> s_auditQueryFields =
        new(["identity", "tool", "decision", "server", "grant", "kind", "since", "until", "limit", "before"], StringComparer.Ordinal);

    private static IResult BadRequest(string message) => AdminErrors.Of(StatusCodes.Status400BadRequest, "bad_request", message);

    private static object Describe(ApiKeyRecord key, TimeProvider time) => new
    {
        id = key.Id,
        identity = key.Identity,
        roles = key.Roles,
        createdAt = key.CreatedAt,
        expiresAt = key.ExpiresAt,
        revokedAt = key.RevokedAt,
        lastUsedAt = key.LastUsedAt,
        state = key.IsRevoked ? "revoked" : key.IsExpiredAt(time.GetUtcNow()) ? "expired" : "active",
    };

    private sealed record NewKey(string? Identity, string[]? Roles, string? Expires);
}
