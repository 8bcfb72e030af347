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
/// How an operator signs in to the console: with an API key, once, or with the operator's OpenID Connect provider, for a
/// cookie session that ends after <see cref="IdleTimeout"/> without use, <see cref="SessionLifetime"/> after sign-in, on
/// sign-out, or (a key's) as soon as the key is revoked or expires.
/// </summary>
public static class ConsoleAuthentication
{
    /// <summary>The console's cookie scheme.</summary>
    public const string Scheme = "gatehouse-console";

    /// <summary>Admins: every page.</summary>
    public const string AdminPolicy = "console-admin";

    /// <summary>Admins and approvers (of every grant or of some): the approvals queue.</summary>
    public const string ApprovalsPolicy = "console-approvals";

    /// <summary>Everyone signed in to the console, whatever their roles: their own connections.</summary>
    public const string PersonPolicy = "console-person";

    /// <summary>The page every signed-in person has: their accounts at upstream servers and the MCP clients they allowed.</summary>
    public const string ConnectionsPath = "/ui/connections";

    /// <summary>Where a browser without a session is sent.</summary>
    public const string SignInPath = "/ui/sign-in";

    /// <summary>Where a signed-in operator without the role for a page is sent.</summary>
    public const string ForbiddenPath = "/ui/forbidden";

    /// <summary>A console session ends after this long without a request.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>How often a session's key is checked again against the store.</summary>
    public static readonly TimeSpan KeyRecheck = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A console session ends this long after sign-in, however busy: roles a provider takes away, which the console cannot
    /// ask it about, stop counting by then at the latest.
    /// </summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(8);

    internal const string KeyIdClaim = "gatehouse:key_id";

    /// <summary>Marks a session that the OpenID Connect provider signed in; its value is the provider's issuer.</summary>
    internal const string ProviderClaim = "gatehouse:provider";

    /// <summary>When the session signed in (round-trip time), on the principal too: an open page checks it without a request.</summary>
    internal const string SignedInAtClaim = "gatehouse:signed_in_at";

    private const string CheckedAt = "gatehouse:checked_at";
    private const string SignedInAt = "gatehouse:signed_in_at";

    /// <summary>The principal a console session carries for <paramref name="key"/>.</summary>
    internal static ClaimsPrincipal PrincipalFor(ApiKeyRecord key) => PrincipalFor(key.Identity, key.Roles, new Claim(KeyIdClaim, key.Id));

    /// <summary>The principal a console session carries for <paramref name="name"/>, however it signed in (<paramref name="how"/>).</summary>
    internal static ClaimsPrincipal PrincipalFor(string name, IEnumerable<string> roles, Claim how)
    {
        var identity = new ClaimsIdentity(Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.Name, name));
        identity.AddClaim(how);
        identity.AddClaims(roles.Select(role => new Claim(ClaimTypes.Role, role)));
        return new ClaimsPrincipal(identity);
    }

    /// <summary>Whether <paramref name="user"/> may use the console at all.</summary>
    internal static bool MayUseConsole(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || Roles.MaySeeApprovals(user);

    /// <summary>
    /// Where <paramref name="user"/> goes once signed in: <paramref name="returnUrl"/> when it is a page of the console (a
    /// sign-in must not send anyone elsewhere), else the first page their roles open.
    /// </summary>
    internal static string LandingPath(ClaimsPrincipal user, string? returnUrl)
    {
        if (returnUrl is { Length: > 0 } && returnUrl.StartsWith("/ui/", StringComparison.Ordinal) && !returnUrl.Contains('\\'))
        {
            return returnUrl;
        }

        // Someone the provider signed in without a role still has their own connections.
        return user.IsInRole(Roles.Admin) ? "/ui/servers" : MayUseConsole(user) ? "/ui/approvals" : ConnectionsPath;
    }

    /// <param name="withProvider">
    /// Whether people also sign in with an OpenID Connect provider. The cookie is then SameSite=Lax, not Strict: the
    /// browser comes back from the provider's site, and a Strict cookie set at the end of that trip is not sent with the
    /// redirect to the console's page. Lax still keeps it off every cross-site request but top-level GETs, which change nothing.
    /// </param>
    internal static void Configure(CookieAuthenticationOptions options, bool withProvider)
    {
        options.Cookie.Name = "gatehouse-console";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = withProvider ? SameSiteMode.Lax : SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = IdleTimeout;
        options.SlidingExpiration = true;
        options.LoginPath = SignInPath;
        options.AccessDeniedPath = ForbiddenPath;
        options.Events.OnSigningIn = context =>
        {
            var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToString("O");
            context.Properties.Items[SignedInAt] = now;
            (context.Principal?.Identity as ClaimsIdentity)?.AddClaim(new Claim(SignedInAtClaim, now));
            return Task.CompletedTask;
        };
        options.Events.OnValidatePrincipal = RecheckAsync;
    }

    /// <summary>
    /// Ends a session past <see cref="SessionLifetime"/>, and the session of a key revoked or expired since sign-in, within
    /// <see cref="KeyRecheck"/>.
    /// </summary>
    private static async Task RecheckAsync(CookieValidatePrincipalContext context)
    {
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();
        if (!context.Properties.Items.TryGetValue(SignedInAt, out var signedIn) || !DateTimeOffset.TryParse(signedIn, out var signedInAt) ||
            now - signedInAt >= SessionLifetime)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        if (context.Principal?.FindFirst(ProviderClaim) is not null ||
            (context.Properties.Items.TryGetValue(CheckedAt, out var text) && DateTimeOffset.TryParse(text, out var checkedAt) && now - checkedAt < KeyRecheck))
        {
            return;
        }

        switch (await KeyStandingAsync(context.HttpContext.RequestServices.GetRequiredService<IApiKeyStore>(),
            context.Principal?.FindFirstValue(KeyIdClaim), now, context.HttpContext.RequestAborted))
        {
            case KeyStanding.Unknown:
                context.RejectPrincipal();
                return;
            case KeyStanding.Ended:
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(Scheme);
                return;
        }

        context.Properties.Items[CheckedAt] = now.ToString("O");
        context.ShouldRenew = true;
    }

    /// <summary>
    /// Whether the session of <paramref name="user"/> still holds, as an open page asks every <see cref="KeyRecheck"/>
    /// without a request: within <see cref="SessionLifetime"/> of its sign-in and, for a key's session, the key neither
    /// revoked nor expired. A store that cannot answer ends it (fail closed).
    /// </summary>
    internal static async Task<bool> StillHoldsAsync(ClaimsPrincipal user, IApiKeyStore keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!DateTimeOffset.TryParse(user.FindFirstValue(SignedInAtClaim), null, System.Globalization.DateTimeStyles.RoundtripKind, out var signedInAt) ||
            now - signedInAt >= SessionLifetime)
        {
            return false;
        }

        return user.FindFirst(ProviderClaim) is not null ||
            await KeyStandingAsync(keys, user.FindFirstValue(KeyIdClaim), now, cancellationToken).ConfigureAwait(false) == KeyStanding.Valid;
    }

    private static async Task<KeyStanding> KeyStandingAsync(IApiKeyStore keys, string? keyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ApiKeyRecord? key;
        try
        {
            key = (await keys.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Id == keyId);
        }
        catch (StoreUnavailableException)
        {
            // A key that cannot be checked could be a revoked one.
            return KeyStanding.Unknown;
        }

        return key is null || key.IsRevoked || key.ExpiresAt <= now ? KeyStanding.Ended : KeyStanding.Valid;
    }

    private enum KeyStanding
    {
        Valid,
        Ended,
        Unknown,
    }
}
