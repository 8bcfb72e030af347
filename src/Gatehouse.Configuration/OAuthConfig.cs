namespace Gatehouse.Configuration;

/// <summary>
/// Gatehouse as the OAuth 2.1 authorization server of its own MCP endpoints, for clients that sign in the way MCP's
/// authorization specification describes (Claude's connectors, ChatGPT, VS Code, Cursor). Off unless configured.
/// </summary>
public sealed record OAuthConfig
{
    /// <summary>The default of <see cref="AccessTokenLifetime"/>: short, since a token in a client's hands cannot be called back by anyone but Gatehouse.</summary>
    public static readonly TimeSpan DefaultAccessTokenLifetime = TimeSpan.FromMinutes(10);

    /// <summary>The default of <see cref="RefreshTokenLifetime"/>.</summary>
    public static readonly TimeSpan DefaultRefreshTokenLifetime = TimeSpan.FromDays(14);

    /// <summary>The shortest access-token lifetime accepted: less and a client spends more time refreshing than calling.</summary>
    public static readonly TimeSpan ShortestAccessTokenLifetime = TimeSpan.FromSeconds(30);

    /// <summary>The longest access-token lifetime accepted: a token Gatehouse issues is meant to be short-lived.</summary>
    public static readonly TimeSpan LongestAccessTokenLifetime = TimeSpan.FromHours(1);

    /// <summary>The longest refresh-token lifetime accepted.</summary>
    public static readonly TimeSpan LongestRefreshTokenLifetime = TimeSpan.FromDays(90);

    /// <summary>Whether Gatehouse issues tokens at all; the section's presence turns it on unless it says <c>"enabled": false</c>.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// Gatehouse's public address (scheme, host and port) as clients reach it: the issuer of its tokens and the base of the
    /// resources (<c>{issuer}/mcp/{server}</c>) they are for. Null: the address each request came to, which on a loopback
    /// <c>listen</c> is that address; behind a proxy that terminates TLS, set it.
    /// </summary>
    public Uri? Issuer { get; init; }

    /// <summary>How long an access token is good for.</summary>
    public TimeSpan AccessTokenLifetime { get; init; } = DefaultAccessTokenLifetime;

    /// <summary>How long a refresh token is good for; each use replaces it with a new one.</summary>
    public TimeSpan RefreshTokenLifetime { get; init; } = DefaultRefreshTokenLifetime;

    /// <summary>Clients the operator registered by hand, in the order written.</summary>
    public IReadOnlyList<OAuthClientConfig> Clients { get; init; } = [];

    /// <summary>Which clients may register themselves (RFC 7591).</summary>
    public DynamicRegistration DynamicRegistration { get; init; } = DynamicRegistration.Loopback;

    /// <summary>Clients identified by the URL of their metadata document (a client ID metadata document).</summary>
    public ClientMetadataDocumentsConfig ClientMetadataDocuments { get; init; } = new();

    /// <summary>
    /// Whether people sign in on this machine when there is no OpenID Connect provider (<c>console.oidc</c>): a person asks
    /// to sign in as an identity and an admin approves each sign-in. Off by default.
    /// </summary>
    public bool LocalSignIn { get; init; }
}

/// <summary>A client the operator registered: its id, where it may be sent back to, and its secret if it keeps one.</summary>
public sealed record OAuthClientConfig
{
    /// <summary>The <c>client_id</c> the client sends.</summary>
    public required string ClientId { get; init; }

    /// <summary>The exact redirect URIs the client may ask for; any other is refused.</summary>
    public required IReadOnlyList<Uri> RedirectUris { get; init; }

    /// <summary>The client's secret (a confidential client); null for a public client, which proves itself with PKCE alone.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The name shown to a person asked to let the client act for them; null shows the client id.</summary>
    public string? DisplayName { get; init; }
}

/// <summary>Which clients may register themselves at Gatehouse.</summary>
public enum DynamicRegistration
{
    /// <summary>Only clients whose redirect URIs are all on this machine (native apps, command-line tools).</summary>
    Loopback,

    /// <summary>Any client.</summary>
    Any,

    /// <summary>None: clients are registered in the configuration or by metadata document.</summary>
    Off,
}

/// <summary>Clients whose <c>client_id</c> is the https URL of their metadata document, which Gatehouse fetches.</summary>
public sealed record ClientMetadataDocumentsConfig
{
    /// <summary>Whether such client ids are accepted.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Whether Gatehouse may fetch a document from a private, link-local or loopback address. Off by default: a client id
    /// would otherwise make Gatehouse send requests into the network it sits in.
    /// </summary>
    public bool AllowPrivateAddresses { get; init; }
}
