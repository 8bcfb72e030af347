namespace Gatehouse.OperatorConsole;

/// <summary>Where the operator console is served, and how people sign in to it besides API keys.</summary>
public sealed class ConsoleOptions
{
    /// <summary>
    /// The address the console alone is served on, and not beside the gateway's endpoints; null (the default) serves it at
    /// <c>/ui</c> wherever the gateway listens. The host listens there and marks its connections with <see cref="ConsoleListener.Mark"/>.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>Sign-in with an OpenID Connect provider; null (the default) signs in with API keys only.</summary>
    public ConsoleProviderOptions? Provider { get; set; }
}

/// <summary>The console's registration at an OpenID Connect provider, and what in the provider's tokens names a person.</summary>
public sealed class ConsoleProviderOptions
{
    /// <summary>The provider's issuer, where its discovery document is (<c>.well-known/openid-configuration</c>).</summary>
    public required string Issuer { get; set; }

    /// <summary>The client id the provider gave the console.</summary>
    public required string ClientId { get; set; }

    /// <summary>The client's secret; null for a public client, which proves itself with PKCE alone.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes asked for, <c>openid</c> among them.</summary>
    public IList<string> Scopes { get; } = ["openid", "profile"];

    /// <summary>The claim whose value is the person's identity, as in the gateway's JWTs.</summary>
    public string IdentityClaim { get; set; } = "sub";

    /// <summary>The claim whose values are the person's roles, as in the gateway's JWTs.</summary>
    public string RolesClaim { get; set; } = "roles";

    /// <summary>The provider's name on the sign-in button; null shows the issuer's host.</summary>
    public string? DisplayName { get; set; }

    /// <summary>What the sign-in page calls the provider.</summary>
    public string Name => DisplayName ?? (Uri.TryCreate(Issuer, UriKind.Absolute, out var issuer) ? issuer.Host : Issuer);
}
