namespace Gatehouse.OAuth;

/// <summary>Where the authorization server's endpoints are, relative to the issuer.</summary>
public static class OAuthPaths
{
    /// <summary>The authorization endpoint, where a person's browser is sent to sign in.</summary>
    public const string Authorization = "/oauth/authorize";

    /// <summary>The token endpoint, where a client exchanges a code or a refresh token.</summary>
    public const string Token = "/oauth/token";

    /// <summary>The revocation endpoint (RFC 7009).</summary>
    public const string Revocation = "/oauth/revoke";

    /// <summary>The dynamic client registration endpoint (RFC 7591).</summary>
    public const string Registration = "/oauth/register";

    /// <summary>The authorization server's metadata (RFC 8414).</summary>
    public const string Metadata = "/.well-known/oauth-authorization-server";
}
