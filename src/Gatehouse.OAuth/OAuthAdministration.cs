using System.Collections.Immutable;
using System.Text.Json;
using Gatehouse.Audit;
using OpenIddict.Abstractions;

namespace Gatehouse.OAuth;

/// <summary>
/// What an operator does with the authorization server's clients and the tokens it issued: list them, and revoke them.
/// A revocation takes effect at once (every use of a token reads its entry) and is recorded in the audit log.
/// </summary>
public sealed class OAuthAdministration(IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens,
    IOpenIddictAuthorizationManager authorizations, IAuditLog audit, TimeProvider time)
{
    /// <summary>Every client, configured or registered, by client id.</summary>
    public async Task<IReadOnlyList<OAuthClientSummary>> ListClientsAsync(CancellationToken cancellationToken)
    {
        var clients = new List<OAuthClientSummary>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken).ConfigureAwait(false))
        {
            clients.Add(await DescribeAsync(application, cancellationToken).ConfigureAwait(false));
        }

        return [.. clients.OrderBy(c => c.ClientId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Revokes every token and authorization of client <paramref name="clientId"/>; a client that registered itself is
    /// removed too. One of the configuration stays (the gateway would bring it back at its next start): remove it there.
    /// </summary>
    public async Task<OAuthClientRevocation> RevokeClientAsync(string by, string clientId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (await applications.FindByClientIdAsync(clientId, cancellationToken).ConfigureAwait(false) is not { } application)
        {
            return OAuthClientRevocation.NotFound;
        }

        var client = await DescribeAsync(application, cancellationToken).ConfigureAwait(false);
        var id = await applications.GetIdAsync(application, cancellationToken).ConfigureAwait(false);
        var revoked = await tokens.RevokeByApplicationIdAsync(id!, cancellationToken).ConfigureAwait(false);
        await authorizations.RevokeByApplicationIdAsync(id!, cancellationToken).ConfigureAwait(false);
        var removed = !client.Configured;
        if (removed)
        {
            await applications.DeleteAsync(application, cancellationToken).ConfigureAwait(false);
        }

        // CancellationToken.None: what was revoked must be in the log even if the operator stopped waiting.
        await audit.RecordAsync(Event(by, clientId, AuditDecisions.OAuthClientRevoked,
            $"{by} revoked OAuth client '{clientId}' ({revoked} tokens revoked{(removed ? ", client removed" : ", client kept: it is in the configuration")})"),
            CancellationToken.None).ConfigureAwait(false);
        return removed ? OAuthClientRevocation.Removed : OAuthClientRevocation.TokensRevoked;
    }

    /// <summary>The tokens issued (access and refresh tokens, and authorization codes), of <paramref name="identity"/> or of everyone, newest first.</summary>
    public async Task<IReadOnlyList<OAuthTokenSummary>> ListTokensAsync(string? identity, CancellationToken cancellationToken)
    {
        var clientIds = new Dictionary<string, string?>(StringComparer.Ordinal);
        var found = new List<OAuthTokenSummary>();
        var all = identity is null
            ? tokens.ListAsync(count: null, offset: null, cancellationToken)
            : tokens.FindBySubjectAsync(identity, cancellationToken);
        await foreach (var token in all.ConfigureAwait(false))
        {
            var applicationId = await tokens.GetApplicationIdAsync(token, cancellationToken).ConfigureAwait(false);
            if (applicationId is not null && !clientIds.ContainsKey(applicationId))
            {
                clientIds[applicationId] = await applications.FindByIdAsync(applicationId, cancellationToken).ConfigureAwait(false) is { } application
                    ? await applications.GetClientIdAsync(application, cancellationToken).ConfigureAwait(false)
                    : null;
            }

            found.Add(new OAuthTokenSummary(
                await tokens.GetIdAsync(token, cancellationToken).ConfigureAwait(false) ?? "",
                await tokens.GetSubjectAsync(token, cancellationToken).ConfigureAwait(false),
                applicationId is null ? null : clientIds[applicationId],
                ShortType(await tokens.GetTypeAsync(token, cancellationToken).ConfigureAwait(false)),
                await tokens.GetStatusAsync(token, cancellationToken).ConfigureAwait(false) ?? "",
                await tokens.GetCreationDateAsync(token, cancellationToken).ConfigureAwait(false),
                await tokens.GetExpirationDateAsync(token, cancellationToken).ConfigureAwait(false)));
        }

        return [.. found.OrderByDescending(t => t.CreatedAt)];
    }

    /// <summary>Revokes every token and authorization issued to <paramref name="identity"/>; returns how many tokens were revoked.</summary>
    public async Task<long> RevokeTokensAsync(string by, string identity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        ArgumentException.ThrowIfNullOrEmpty(identity);
        var revoked = await tokens.RevokeBySubjectAsync(identity, cancellationToken).ConfigureAwait(false);
        await authorizations.RevokeBySubjectAsync(identity, cancellationToken).ConfigureAwait(false);
        await audit.RecordAsync(Event(by, identity, AuditDecisions.OAuthTokensRevoked, $"{by} revoked the OAuth tokens of '{identity}' ({revoked} tokens)"),
            CancellationToken.None).ConfigureAwait(false);
        return revoked;
    }

    private async Task<OAuthClientSummary> DescribeAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken).ConfigureAwait(false);
        return new OAuthClientSummary(
            await applications.GetClientIdAsync(application, cancellationToken).ConfigureAwait(false) ?? "",
            await applications.GetDisplayNameAsync(application, cancellationToken).ConfigureAwait(false),
            await applications.GetClientTypeAsync(application, cancellationToken).ConfigureAwait(false) == OpenIddictConstants.ClientTypes.Confidential,
            Configured: IsConfigured(properties),
            [.. await applications.GetRedirectUrisAsync(application, cancellationToken).ConfigureAwait(false)]);
    }

    // "urn:ietf:params:oauth:token-type:access_token" says no more to an operator than "access_token".
    private static string ShortType(string? type) => type is null ? "" : type[(type.LastIndexOf(':') + 1)..];

    private static bool IsConfigured(ImmutableDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(ConfiguredClients.SourceProperty, out var source) && source.ValueKind == JsonValueKind.String &&
        source.GetString() == ConfiguredClients.FromConfiguration;

    private AuditEvent Event(string by, string target, string decision, string reason) => new()
    {
        Time = time.GetUtcNow(),
        Kind = AuditKinds.Admin,
        Identity = by,
        Target = target,
        Decision = decision,
        Rule = "oauth",
        Reason = reason,
    };
}

/// <summary>A client of the authorization server, as an operator sees it.</summary>
/// <param name="ClientId">Its client id.</param>
/// <param name="DisplayName">The name it gave, shown on the consent page.</param>
/// <param name="Confidential">Whether it authenticates with a secret (otherwise PKCE alone).</param>
/// <param name="Configured">Whether the operator registered it in the configuration (otherwise it registered itself).</param>
/// <param name="RedirectUris">Where codes may be sent.</param>
public sealed record OAuthClientSummary(string ClientId, string? DisplayName, bool Confidential, bool Configured, IReadOnlyList<string> RedirectUris);

/// <summary>A code or token the authorization server issued; never its value.</summary>
/// <param name="Id">Its id in the store.</param>
/// <param name="Identity">The person it was issued to.</param>
/// <param name="ClientId">The client it was issued to.</param>
/// <param name="Type">access_token, refresh_token or authorization_code.</param>
/// <param name="Status">valid, redeemed, revoked or inactive.</param>
/// <param name="CreatedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record OAuthTokenSummary(string Id, string? Identity, string? ClientId, string Type, string Status, DateTimeOffset? CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>What <see cref="OAuthAdministration.RevokeClientAsync"/> did.</summary>
public enum OAuthClientRevocation
{
    /// <summary>There is no such client.</summary>
    NotFound,

    /// <summary>The client registered itself: it is gone, with its tokens.</summary>
    Removed,

    /// <summary>The client is in the configuration: its tokens are revoked, and it stays until it is removed there.</summary>
    TokensRevoked,
}
