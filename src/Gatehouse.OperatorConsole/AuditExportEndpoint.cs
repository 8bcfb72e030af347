using System.Text;
using Gatehouse.Admin;
using Gatehouse.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Gatehouse.OperatorConsole;

/// <summary>
/// <c>GET /ui/audit/export</c>: the audit page's filtered records as JSON Lines, newest first, in the format of
/// <c>gatehouse audit export</c>; for the console's admins only.
/// </summary>
internal static class AuditExportEndpoint
{
    public const string Path = "/ui/audit/export";

    private static readonly string[] s_filters = ["identity", "tool", "decision", "server", "grant", "kind", "since", "until"];

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, ExportAsync).RequireAuthorization(ConsoleAuthentication.AdminPolicy);

    private static async Task ExportAsync(HttpContext context, IAuditStore audit, TimeProvider time)
    {
        // The page's own query string: the filters of the view being exported, read as the admin API reads them.
        var values = s_filters.ToDictionary(name => name, name => (string?)context.Request.Query[name].ToString(), StringComparer.Ordinal);
        var now = time.GetUtcNow();
        if (AuditQueryText.Parse(values, now, out var error) is not { } query)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync(error!, context.RequestAborted);
            return;
        }

        context.Response.ContentType = AuditExport.JsonLinesMediaType;
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"gatehouse-audit-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.jsonl\"";
        await using var output = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        try
        {
            await AuditExport.WriteJsonLinesAsync(AuditExport.MatchingAsync(audit, query, context.RequestAborted), output, context.RequestAborted);
        }
        catch (AuditUnavailableException) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "text/plain";
            context.Response.Headers.ContentDisposition = default;
            await context.Response.WriteAsync("The audit log cannot be read now: the store is unavailable. Try again shortly.", context.RequestAborted);
        }
    }
}
