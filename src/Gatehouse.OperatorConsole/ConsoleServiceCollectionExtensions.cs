using Gatehouse.OperatorConsole.Components;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.FluentUI.AspNetCore.Components;

namespace Gatehouse.OperatorConsole;

/// <summary>Adds the operator console to a gateway: its services, then its pages at <c>/ui</c>.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Adds the console's components, its cookie sign-in (and sign-in with the provider of <see cref="ConsoleOptions.Provider"/>)
    /// and its authorization policies.
    /// </summary>
    public static IServiceCollection AddGatehouseConsole(this IServiceCollection services, Action<ConsoleOptions>? configure = null)
    {
        // Read now: whether there is a provider decides which authentication handlers exist.
        var options = new ConsoleOptions();
        configure?.Invoke(options);
        services.AddSingleton(Options.Create(options));
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddFluentUIComponents();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, ConsoleCircuitRevalidation>();
        services.AddHttpContextAccessor();
        services.AddSingleton<ConsoleSignInLinks>();
        // The console's cookie is the default only for who a browser is; MCP and admin requests are authenticated by
        // their bearer credential alone, which replaces whatever the cookie said.
        var authentication = services.AddAuthentication(ConsoleAuthentication.Scheme)
            .AddCookie(ConsoleAuthentication.Scheme, cookie => ConsoleAuthentication.Configure(cookie, withProvider: options.Provider is not null));
        if (options.Provider is { } provider)
        {
            ConsoleProviderSignIn.Add(authentication, provider);
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleAuthentication.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(ConsoleAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireRole(Admin.Roles.Admin))
            .AddPolicy(ConsoleAuthentication.PersonPolicy, policy => policy
                .AddAuthenticationSchemes(ConsoleAuthentication.Scheme)
                .RequireAuthenticatedUser())
            .AddPolicy(ConsoleAuthentication.ApprovalsPolicy, policy => policy
                .AddAuthenticationSchemes(ConsoleAuthentication.Scheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => Admin.Roles.MaySeeApprovals(context.User)));
        return services;
    }

    /// <summary>
    /// The console's middleware, after authentication: antiforgery for its forms, and its own page for an address
    /// under <c>/ui</c> that has none.
    /// </summary>
    public static IApplicationBuilder UseGatehouseConsole(this IApplicationBuilder app)
    {
        app.UseAntiforgery();
        // Pages only: a refused form post keeps its own status (re-executing it would look for a page to post to).
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/ui") && HttpMethods.IsGet(context.Request.Method),
            console => console.UseStatusCodePagesWithReExecute("/ui/not-found", createScopeForStatusCodePages: true));
        return app;
    }

    /// <summary>Maps the console's pages under <c>/ui</c>, its Blazor endpoints and its static files.</summary>
    /// <param name="endpoints">The gateway's endpoints.</param>
    /// <param name="staticAssetsManifest">
    /// The host's static web assets manifest (<c>NAME.staticwebassets.endpoints.json</c> beside the program), written by
    /// its build; pages are served without their styles and scripts when it is absent (a host inside a test run).
    /// </param>
    public static IEndpointRouteBuilder MapGatehouseConsole(this IEndpointRouteBuilder endpoints, string staticAssetsManifest)
    {
        if (File.Exists(staticAssetsManifest))
        {
            endpoints.MapStaticAssets(staticAssetsManifest);
        }

        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        endpoints.MapGet("/ui", () => Results.Redirect("/ui/servers"));
        endpoints.MapGet(ConsoleSignInLinks.PathPrefix + "{token}", async (HttpContext context, string token, ConsoleSignInLinks links) =>
        {
            if (links.Redeem(token) is not { } key)
            {
                return Results.Redirect(ConsoleAuthentication.SignInPath);
            }

            await context.SignInAsync(ConsoleAuthentication.Scheme, ConsoleAuthentication.PrincipalFor(key));
            return Results.Redirect("/ui/catalog");
        });
        AuditExportEndpoint.Map(endpoints);
        endpoints.MapPost("/ui/sign-out", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            // A form another site makes a signed-in browser post carries no token of ours: it changes nothing.
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Results.BadRequest();
            }

            await context.SignOutAsync(ConsoleAuthentication.Scheme);
            return await ConsoleProviderSignIn.SignOutAsync(context) ? Results.Empty : Results.Redirect(ConsoleAuthentication.SignInPath);
        });
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<ConsoleOptions>>().Value.Provider is not null)
        {
            ConsoleProviderSignIn.Map(endpoints);
        }

        return endpoints;
    }
}
