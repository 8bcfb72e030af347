namespace Gatehouse.Store.OAuth;

/// <summary>
/// A client of Gatehouse's authorization server, as OpenIddict sees it. Lists and property bags are kept as the JSON
/// text the store holds, and parsed only when OpenIddict asks for them.
/// </summary>
internal sealed class OAuthApplication
{
    public string Id { get; set; } = OAuthIds.New();

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? ClientType { get; set; }

    public string? ApplicationType { get; set; }

    public string? ConsentType { get; set; }

    public string? DisplayName { get; set; }

    public string? DisplayNames { get; set; }

    public string? Permissions { get; set; }

    public string? PostLogoutRedirectUris { get; set; }

    public string? RedirectUris { get; set; }

    public string? Requirements { get; set; }

    public string? Settings { get; set; }

    public string? Properties { get; set; }

    public string ConcurrencyToken { get; set; } = OAuthIds.New();
}

/// <summary>What a person let a client do: the subject, the client, the scopes, and whether it still stands.</summary>
internal sealed class OAuthAuthorization
{
    public string Id { get; set; } = OAuthIds.New();

    public string? ApplicationId { get; set; }

    public DateTimeOffset? CreationDate { get; set; }

    public string? Scopes { get; set; }

    public string? Status { get; set; }

    public string? Subject { get; set; }

    public string? Type { get; set; }

    public string? Properties { get; set; }

    public string ConcurrencyToken { get; set; } = OAuthIds.New();
}

/// <summary>A code or token Gatehouse issued: its state (valid, redeemed, revoked) is what makes one use of it the only one.</summary>
internal sealed class OAuthToken
{
    public string Id { get; set; } = OAuthIds.New();

    public string? ApplicationId { get; set; }

    public string? AuthorizationId { get; set; }

    public DateTimeOffset? CreationDate { get; set; }

    public DateTimeOffset? ExpirationDate { get; set; }

    public DateTimeOffset? RedemptionDate { get; set; }

    public string? ReferenceId { get; set; }

    public string? Status { get; set; }

    public string? Subject { get; set; }

    public string? Type { get; set; }

    public string? Payload { get; set; }

    public string? Properties { get; set; }

    public string ConcurrencyToken { get; set; } = OAuthIds.New();
}

/// <summary>Identifiers of the store's OAuth rows: random, so that one tells nothing about another.</summary>
internal static class OAuthIds
{
    public static string New() => Guid.NewGuid().ToString("N");
}
