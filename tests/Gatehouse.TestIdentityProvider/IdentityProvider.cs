using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.TestIdentityProvider;

/// <summary>
/// A real OpenID Connect provider (OpenIddict) on 127.0.0.1 with a port of its own, for one test class: discovery, JWKS,
/// the authorization code flow with PKCE, refresh tokens and end-session, a login form that asks for a user name only,
/// and users whose roles the test chooses. Its id tokens and access tokens (JWTs, signed, not encrypted) carry
/// <c>sub</c>, <c>name</c> and <c>roles</c>; access tokens are for <see cref="IdentityProviderOptions.Audience"/>.
/// </summary>
public sealed class IdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IdentityProvider(WebApplication app, Uri issuer, IdentityProviderOptions options)
    {
        _app = app;
        Issuer = issuer;
        Options = options;
    }

    /// <summary>The provider's issuer (<c>http://127.0.0.1:PORT/</c>), as its tokens carry it in <c>iss</c>.</summary>
    public Uri Issuer { get; }

    /// <summary>Its users and clients; both may be added to while it runs (a client whose redirect URI is known only later).</summary>
    public IdentityProviderOptions Options { get; }

    /// <summary>Starts a provider on 127.0.0.1:0 and returns once it listens.</summary>
    public static async Task<IdentityProvider> StartAsync(IdentityProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(options);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            // Browsers share cookies across the ports of one host: this name must not be one the gateway uses.
            cookie.Cookie.Name = "test-identity-provider";
            cookie.LoginPath = ProviderEndpoints.LoginPath;
        });
        builder.Services.AddOpenIddict().AddServer(ProviderEndpoints.Configure);
        var app = builder.Build();
        app.UseAuthentication();
        ProviderEndpoints.Map(app);
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Urls.First();
        return new IdentityProvider(app, new Uri(address.TrimEnd('/') + "/"), options);
    }

    /// <summary>Stops the provider: from now on it cannot be reached, as a provider that is down.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>Who may sign in at a <see cref="IdentityProvider"/>, and which applications may ask it to.</summary>
public sealed class IdentityProviderOptions
{
    /// <summary>The <c>aud</c> of the access tokens it issues.</summary>
    public string Audience { get; init; } = "gatehouse";

    /// <summary>Users by name (their <c>sub</c>), each with its roles (the <c>roles</c> claim); the login form knows no others.</summary>
    public ConcurrentDictionary<string, IReadOnlyList<string>> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>A scope it grants besides OpenID Connect's, for an upstream that asks for more than a person first allowed.</summary>
    public const string StepUpScope = "upstream:write";

    /// <summary>Whether clients may register themselves (RFC 7591) at its <c>registration_endpoint</c>.</summary>
    public bool DynamicRegistration { get; init; }

    /// <summary>Registered clients by client id.</summary>
    public ConcurrentDictionary<string, ProviderClient> Clients { get; } = new(StringComparer.Ordinal);

    /// <summary>Each request its token endpoint was sent: the grant type, and the refresh token it carried (or null).</summary>
    public ConcurrentQueue<(string GrantType, string? RefreshToken)> TokenRequests { get; } = new();

    /// <summary>Who logged in at the login form, in order: each one a person typing their name.</summary>
    public ConcurrentQueue<string> Logins { get; } = new();

    /// <summary>How far from now the provider dates a login in its <c>auth_time</c>: back, for a session made long ago.</summary>
    public TimeSpan LoginTimeShift { get; set; }

    /// <summary>Whether the provider ignores <c>prompt=login</c> and <c>max_age=0</c>, as a careless one does: its session answers anyway.</summary>
    public bool IgnoresLoginPrompt { get; set; }
}

/// <summary>A client registration: where the provider may send its browser back, and the secret of a confidential client.</summary>
/// <param name="Secret">Null for a public client (PKCE alone).</param>
public sealed record ProviderClient(string ClientId, string? Secret, IReadOnlyList<Uri> RedirectUris, IReadOnlyList<Uri> PostLogoutRedirectUris);
