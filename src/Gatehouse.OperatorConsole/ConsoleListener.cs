using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gatehouse.OperatorConsole;

/// <summary>
/// The console on an address of its own (<see cref="ConsoleOptions.Listen"/>): there it alone answers, and the gateway's
/// address no longer serves it, so that the MCP endpoints and the console can be exposed to different networks.
/// </summary>
public static class ConsoleListener
{
    // Everything a console page needs: its pages and sign-in endpoints, Blazor's circuit and scripts, the static files.
    private static readonly string[] s_consolePaths = ["/ui", "/_blazor", "/_framework", "/_content"];

    private static readonly object s_marker = new();

    /// <summary>Marks the connections accepted on <paramref name="listener"/> as the console's.</summary>
    public static void Mark(ListenOptions listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        listener.Use(next => connection =>
        {
            connection.Items[s_marker] = true;
            return next(connection);
        });
    }

    /// <summary>
    /// Answers 404 to a console request on the gateway's address and to anything else on the console's, when the console
    /// has an address of its own; before authentication, so that neither address so much as starts a sign-in for the other.
    /// </summary>
    public static IApplicationBuilder UseGatehouseConsoleAddress(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.Listen is null)
        {
            return app;
        }

        return app.Use(async (context, next) =>
        {
            if (IsConsoleConnection(context) != IsConsolePath(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
    }

    private static bool IsConsoleConnection(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(s_marker) == true;

    private static bool IsConsolePath(PathString path) => s_consolePaths.Any(prefix => path.StartsWithSegments(prefix));
}
