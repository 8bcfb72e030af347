namespace Gatehouse.OAuth;

/// <summary>How Gatehouse's authorization server issues tokens, and to whom; the host fills it from <c>gatehouse.json</c>'s <c>oauth</c>.</summary>
public sealed class OAuthServerOptions
{
    /// <summary>
    /// The issuer, and base of every resource URL (<c>{issuer}/mcp/{server}</c>); null takes the address each request
    /// came to, which the gateway's Host check has already accepted.
    /// </summary>
    public Uri? Issuer { get; set; }

    /// <summary>How long an access token is good for.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a refresh token is good for; each use replaces it.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How long an authorization code is good for: the few moments between a person's sign-in and the client's exchange.</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The servers whose endpoints (<c>/mcp/{server}</c>) tokens may be issued for, by name.</summary>
    public ISet<string> Servers { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Which clients may register themselves (RFC 7591) at <see cref="OAuthPaths.Registration"/>.</summary>
    public OAuthRegistrationPolicy Registration { get; set; } = OAuthRegistrationPolicy.Loopback;

    /// <summary>Whether a client may name the https URL of its metadata document as its <c>client_id</c> (fetched when it starts a flow).</summary>
    public bool MetadataDocuments { get; set; } = true;

    /// <summary>Whether such documents may be fetched from private, loopback or link-local addresses (and, on loopback, over http).</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>
    /// How many clients one address (an IPv6 /48) may register a minute, and how many new metadata document URLs it may
    /// present at the authorization endpoint; more are refused (registration 429 with Retry-After).
    /// </summary>
    public int RegistrationsPerMinute { get; set; } = 10;

    /// <summary>
    /// How many clients that were not configured (registered themselves, or known by their metadata document) the store
    /// may hold; past it, registration is refused until some are removed.
    /// </summary>
    public int MaxSelfRegisteredClients { get; set; } = 1000;

    /// <summary>
    /// How long a client that was not configured is kept without being used (registering, or being issued a code or
    /// token) once none of its codes or tokens is left; the consents people gave it go with it. Configured clients are never removed.
    /// </summary>
    public TimeSpan UnusedClientLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a client that was not configured is kept when it was never issued a code or token (no person ever
    /// completed a sign-in with it): short, so that clients made only to fill <see cref="MaxSelfRegisteredClients"/> leave soon.
    /// </summary>
    public TimeSpan NeverIssuedClientLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Clients registered by the operator; each is created or brought up to date in the store at start-up.</summary>
    public IList<OAuthClientRegistration> Clients { get; } = [];

    /// <summary>
    /// The operator's OpenID Connect provider, where people sign in at the authorization endpoint; null when there is none
    /// (and, unless another sign-in is named, nobody can sign in).
    /// </summary>
    public OAuthProviderSignIn? Provider { get; set; }

    /// <summary>
    /// Whether people without a provider sign in on this machine, each sign-in approved by an admin (<see cref="SignIn.LocalSignIns"/>);
    /// used only when there is no <see cref="Provider"/>.
    /// </summary>
    public bool LocalSignIn { get; set; }
}

/// <summary>Gatehouse's registration at the operator's OpenID Connect provider, and what in its id tokens names a person.</summary>
public sealed class OAuthProviderSignIn
{
    /// <summary>The provider's issuer, where its discovery document is.</summary>
    public required string Issuer { get; init; }

    /// <summary>The client id the provider gave Gatehouse (the console's).</summary>
    public required string ClientId { get; init; }

    /// <summary>The client's secret; null for a public client, which proves itself with PKCE alone.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The scopes asked for, <c>openid</c> among them.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["openid", "profile"];

    /// <summary>The claim of the id token whose value is the person's identity, as in the gateway's JWTs.</summary>
    public string IdentityClaim { get; init; } = "sub";
}

/// <summary>A client the operator registered.</summary>
/// <param name="ClientId">The <c>client_id</c> it sends.</param>
/// <param name="RedirectUris">The exact redirect URIs it may ask for.</param>
/// <param name="ClientSecret">Its secret, or null for a public client, which proves itself with PKCE alone.</param>
/// <param name="DisplayName">The name a person sees; null shows the client id.</param>
public sealed record OAuthClientRegistration(string ClientId, IReadOnlyList<Uri> RedirectUris, string? ClientSecret, string? DisplayName);

/// <summary>Which clients may register themselves.</summary>
public enum OAuthRegistrationPolicy
{
    /// <summary>Only clients whose redirect URIs are all http:// on a loopback address: a code sent there stays on the client's machine.</summary>
    Loopback,

    /// <summary>Any client whose redirect URIs are https://, an application's own scheme, or loopback.</summary>
    Any,

    /// <summary>None; the registration endpoint is not served.</summary>
    Off,
}
