using System.Text.Json;
using Gatehouse.Authentication;
using Gatehouse.Catalog;
using Gatehouse.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.Admin;

/// <summary>
/// The tool catalog under <c>/admin/v1/catalog</c> (admin role): each server's tools with their class and pinned
/// state, what accepting a withheld tool would change, and accepting it.
/// </summary>
internal static class CatalogEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        admin.MapGet("/catalog", (GatehouseConfig config) =>
            Results.Json(new { servers = config.McpServers.Keys.Order(StringComparer.Ordinal) }));

        admin.MapGet("/catalog/{server}", async (string server, GatehouseConfig config, ToolCatalog catalog, CancellationToken ct) =>
            config.McpServers.ContainsKey(server)
                ? Results.Json(CatalogJson.Of(await catalog.ReportAsync(server, ct)))
                : NotFound($"There is no server '{server}'."));

        admin.MapGet("/catalog/{server}/tools/{tool}", async (string server, string tool, GatehouseConfig config, ToolCatalog catalog, CancellationToken ct) =>
        {
            if (!config.McpServers.ContainsKey(server) || await catalog.PendingAsync(server, tool, ct) is not { } pending)
            {
                return NotFound($"Server '{server}' lists no tool '{tool}'.");
            }

            return Results.Json(CatalogJson.Of(pending));
        });

        admin.MapPost("/catalog/{server}/tools/{tool}/accept", async (string server, string tool, HttpContext context, GatehouseConfig config,
            ToolCatalog catalog, CancellationToken ct) =>
        {
            if (!config.McpServers.ContainsKey(server))
            {
                return NotFound($"There is no server '{server}'.");
            }

            // The hash of the definition the person reviewed: one the server listed since is not accepted unseen.
            AcceptRequest? body = null;
            try
            {
                body = context.Request.HasJsonContentType() ? await context.Request.ReadFromJsonAsync<AcceptRequest>(ct) : null;
            }
            catch (JsonException)
            {
            }

            if (body?.Hash is not { Length: > 0 } hash)
            {
                return AdminErrors.Of(StatusCodes.Status400BadRequest, "bad_request",
                    "The body must be JSON: { \"hash\": \"<the hash of the definition reviewed, as GET .../tools/{tool} shows it>\" }.");
            }

            var accepted = await catalog.AcceptAsync(server, tool, CallerIdentity.NameOf(context.User)!, hash, ct);
            return accepted.Outcome switch
            {
                AcceptOutcome.Accepted => Results.Json(CatalogJson.Of(accepted.Tool!)),
                AcceptOutcome.ChangedMeanwhile => AdminErrors.Of(StatusCodes.Status409Conflict, "conflict",
                    $"Server '{server}' lists another definition of '{tool}' ({accepted.Tool!.Definition.Hash}) than the one accepted; review it and try again."),
                _ => NotFound($"Server '{server}' lists no tool '{tool}'."),
            };
        });
    }

    private static IResult NotFound(string message) => AdminErrors.Of(StatusCodes.Status404NotFound, "not_found", message);

    private sealed record AcceptRequest(string? Hash);
}
