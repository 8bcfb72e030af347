using System.Security.Claims;
using Gatehouse.Admin;
using Gatehouse.Store;
using Gatehouse.Store.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.OperatorConsole;

/// <summary>
/// How an operator signs in to the console: with an API key, once, for a cookie session that ends after
/// <see cref="IdleTimeout"/> without use, on sign-out, or as soon as the key is revoked or expires.
/// </summary>
public static class ConsoleAuthentication
{
    /// <summary>The console's cookie scheme.</summary>
    public const string Scheme = "gatehouse-console";

    /// <summary>Admins: every page.</summary>
    public const string AdminPolicy = "console-admin";

    /// <summary>Admins and approvers (of every grant or of some): the approvals queue.</summary>
    public const string ApprovalsPolicy = "console-approvals";

    /// <summary>Where a browser without a session is sent.</summary>
    public const string SignInPath = "/ui/sign-in";

    /// <summary>Where a signed-in operator without the role for a page is sent.</summary>
    public const string ForbiddenPath = "/ui/forbidden";

    /// <summary>A console session ends after this long without a request.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>How often a session's key is checked again against the store.</summary>
    public static readonly TimeSpan KeyRecheck = TimeSpan.FromMinutes(1);

    internal const string KeyIdClaim = "gatehouse:key_id";
    private const string CheckedAt = "gatehouse:checked_at";

    /// <summary>The principal a console session carries for <paramref name="key"/>.</summary>
    internal static ClaimsPrincipal PrincipalFor(ApiKeyRecord key)
    {
        var identity = new ClaimsIdentity(Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, key.Identity));
        identity.AddClaim(new Claim(KeyIdClaim, key.Id));
        identity.AddClaims(key.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Whether <paramref name="user"/> may use the console at all.</summary>
    internal static bool MayUseConsole(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || Roles.MaySeeApprovals(user);

    internal static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "gatehouse-console";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = IdleTimeout;
        options.SlidingExpiration = true;
        options.LoginPath = SignInPath;
        options.AccessDeniedPath = ForbiddenPath;
        options.Events.OnValidatePrincipal = RecheckKeyAsync;
    }

    /// <summary>Ends the session of a key revoked or expired since sign-in, within <see cref="KeyRecheck"/>.</summary>
    private static async Task RecheckKeyAsync(CookieValidatePrincipalContext context)
    {
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();
        if (context.Properties.Items.TryGetValue(CheckedAt, out var text) && DateTimeOffset.TryParse(text, out var checkedAt) &&
            now - checkedAt < KeyRecheck)
        {
            return;
        }

        var keyId = context.Principal?.FindFirstValue(KeyIdClaim);
        ApiKeyRecord? key;
        try
        {
            var keys = await context.HttpContext.RequestServices.GetRequiredService<IApiKeyStore>().ListAsync(context.HttpContext.RequestAborted);
            key = keys.FirstOrDefault(k => k.Id == keyId);
        }
        catch (StoreUnavailableException)
        {
            // Fail closed: a key that cannot be checked could be a revoked one.
            context.RejectPrincipal();
            return;
        }

        if (key is null || key.IsRevoked || key.ExpiresAt <= now)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        context.Properties.Items[CheckedAt] = now.ToString("O");
        context.ShouldRenew = true;
    }
}
