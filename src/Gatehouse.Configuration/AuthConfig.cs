namespace Gatehouse.Configuration;

/// <summary>Who may call Gatehouse, and how they prove it.</summary>
public sealed record AuthConfig
{
    /// <summary>The identity of requests without credentials; null (the default) refuses them with 401.</summary>
    public string? Anonymous { get; init; }

    /// <summary>Accept bearer JWTs from the operator's identity provider; null accepts API keys only.</summary>
    public JwtConfig? Jwt { get; init; }

    /// <summary>The OAuth authorization servers named in the protected-resource metadata, so clients find where to log in.</summary>
    public IReadOnlyList<Uri> AuthorizationServers { get; init; } = [];
}

/// <summary>How bearer JWTs are validated and what in them names the caller.</summary>
public sealed record JwtConfig
{
    /// <summary>The <c>iss</c> a token must carry; also where OpenID Connect discovery finds keys when none are given.</summary>
    public required string Issuer { get; init; }

    /// <summary>The <c>aud</c> a token must carry.</summary>
    public required string Audience { get; init; }

    /// <summary>Where the signing keys are published, when not at the issuer's discovery document.</summary>
    public Uri? JwksUrl { get; init; }

    /// <summary>A shared secret (HMAC) that signs tokens, for providers without published keys.</summary>
    public string? SigningKey { get; init; }

    /// <summary>The claim whose value is the identity.</summary>
    public string IdentityClaim { get; init; } = "sub";

    /// <summary>The claim whose values are the caller's roles (<c>admin</c>, <c>approver</c>).</summary>
    public string RolesClaim { get; init; } = "roles";
}
