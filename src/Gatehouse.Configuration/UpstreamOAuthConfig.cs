namespace Gatehouse.Configuration;

/// <summary>
/// How Gatehouse registers as the OAuth client of an HTTP upstream that requires OAuth (<c>mcpServers.{name}.oauth</c>):
/// with pre-registered credentials (<see cref="ClientId"/>), a client ID metadata document (<see cref="ClientMetadataUrl"/>),
/// or, when neither is given, by dynamic registration at the upstream's authorization server.
/// </summary>
public sealed record UpstreamOAuthConfig
{
    /// <summary>The client ID the upstream's authorization server issued to Gatehouse; null to use a metadata document or register.</summary>
    public string? ClientId { get; init; }

    /// <summary>The secret of <see cref="ClientId"/>, for a confidential client; null for a public client (PKCE alone).</summary>
    public string? ClientSecret { get; init; }

    /// <summary>
    /// The issuer URL of the one authorization server Gatehouse takes part in flows with (required with <see cref="ClientId"/>):
    /// an upstream naming another in its metadata is refused, so pre-registered credentials never reach a server they were not issued by.
    /// </summary>
    public Uri? AuthorizationServer { get; init; }

    /// <summary>Scopes asked for when the upstream names none itself (in its challenge or its protected-resource metadata).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The https:// URL of Gatehouse's client ID metadata document, used where the authorization server supports them.</summary>
    public Uri? ClientMetadataUrl { get; init; }

    /// <summary>
    /// For a server of MCP 2025-03-26 that publishes no metadata at all: its authorization server is taken to be at its
    /// origin, with <c>/authorize</c>, <c>/token</c> and <c>/register</c> (that revision's defaults), and to require PKCE.
    /// </summary>
    public bool DefaultEndpoints { get; init; }
}
