namespace Gatehouse.Configuration;

/// <summary>The operator console: where it is served, and how people sign in to it besides API keys.</summary>
public sealed record ConsoleConfig
{
    /// <summary>The address the console alone is served on (and not on <c>listen</c>); null serves it at <c>/ui</c> beside the gateway.</summary>
    public string? Listen { get; init; }

    /// <summary>Sign-in with the operator's OpenID Connect provider (the issuer of <c>auth.jwt</c>); null offers API keys only.</summary>
    public ConsoleOidcConfig? Oidc { get; init; }
}

/// <summary>The console's registration at the OpenID Connect provider.</summary>
public sealed record ConsoleOidcConfig
{
    /// <summary>The scopes asked for when none are configured.</summary>
    public static readonly IReadOnlyList<string> DefaultScopes = ["openid", "profile"];

    /// <summary>The client id the provider gave the console.</summary>
    public required string ClientId { get; init; }

    /// <summary>The client's secret; null for a public client, which proves itself with PKCE alone.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>The scopes asked for; <c>openid</c> is always among them.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = DefaultScopes;

    /// <summary>The provider's name on the sign-in button; null shows the issuer's host.</summary>
    public string? DisplayName { get; init; }
}
