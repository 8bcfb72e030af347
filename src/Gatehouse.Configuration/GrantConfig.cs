namespace Gatehouse.Configuration;

/// <summary>Binds identities to one upstream server under one policy file.</summary>
public sealed record GrantConfig
{
    /// <summary>Also the key of <c>scope: "grant"</c> rate-limit counters.</summary>
    public required string Id { get; init; }

    public required string Server { get; init; }

    public required IReadOnlyList<string> Identities { get; init; }

    public required string PolicyPath { get; init; }

    /// <summary>
    /// The OAuth scopes a caller's token must carry to act under this grant (Gatehouse's own tokens and <c>auth.jwt</c>
    /// tokens; API keys are not limited by scopes); empty asks for none.
    /// </summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Where to announce calls of this grant that wait for approval; null announces nothing.</summary>
    public ApprovalWebhookConfig? ApprovalWebhook { get; init; }
}

/// <summary>A URL that gets a signed JSON POST for each call that needs approval, so a team can route it to chat.</summary>
public sealed record ApprovalWebhookConfig
{
    public required Uri Url { get; init; }

    /// <summary>The HMAC-SHA256 key of the <c>X-Gatehouse-Signature</c> header.</summary>
    public required string Secret { get; init; }
}
