using System.Text.Json;
using Gatehouse.Audit;
using Gatehouse.OAuth.SignIn;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Gatehouse.OAuth;

/// <summary>
/// What a person does with the consents they gave MCP clients: see them, and take one back. Taking one back revokes it
/// and every token issued under it at once, and is recorded in the audit log under the person.
/// </summary>
public interface IOAuthConsents
{
    /// <summary>The consents <paramref name="identity"/> gave that still stand, newest first.</summary>
    Task<IReadOnlyList<OAuthConsentSummary>> ListAsync(string identity, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes, as <paramref name="identity"/>, their consent <paramref name="consentId"/> and the tokens issued under it:
    /// the consent revoked, or null when <paramref name="identity"/> has no such consent standing (then nothing changes).
    /// </summary>
    Task<OAuthConsentSummary?> RevokeAsync(string identity, string consentId, CancellationToken cancellationToken);
}

/// <summary>A person's consents, kept as OpenIddict's permanent authorizations (<see cref="RememberedConsent"/>).</summary>
internal sealed class OAuthConsents(IOpenIddictAuthorizationManager authorizations, IOpenIddictApplicationManager applications,
    IOpenIddictTokenManager tokens, IAuditLog audit, TimeProvider time) : IOAuthConsents
{
    public async Task<IReadOnlyList<OAuthConsentSummary>> ListAsync(string identity, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        var found = new List<OAuthConsentSummary>();
        await foreach (var authorization in authorizations.FindBySubjectAsync(identity, cancellationToken).ConfigureAwait(false))
        {
            if (await DescribeAsync(authorization, identity, cancellationToken).ConfigureAwait(false) is { } consent)
            {
                found.Add(consent);
            }
        }

        return [.. found.OrderByDescending(c => c.GivenAt)];
    }

    public async Task<OAuthConsentSummary?> RevokeAsync(string identity, string consentId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identity);
        ArgumentException.ThrowIfNullOrEmpty(consentId);
        // Found by id, then checked to be this person's: an id of someone else's consent changes nothing.
        if (await authorizations.FindByIdAsync(consentId, cancellationToken).ConfigureAwait(false) is not { } authorization ||
            await DescribeAsync(authorization, identity, cancellationToken).ConfigureAwait(false) is not { } consent)
        {
            return null;
        }

        await authorizations.TryRevokeAsync(authorization, cancellationToken).ConfigureAwait(false);
        var revoked = await tokens.RevokeByAuthorizationIdAsync(consentId, cancellationToken).ConfigureAwait(false);
        var client = consent.ClientName ?? consent.ClientId;
        // CancellationToken.None: what was revoked must be in the log even if the person stopped waiting.
        await audit.RecordAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.Admin,
            Identity = identity,
            Target = consent.ClientId,
            Server = consent.Server,
            Decision = AuditDecisions.OAuthConsentRevoked,
            Rule = "oauth",
            Reason = $"{identity} revoked their consent for {client} to use {consent.Server ?? consent.Resource} ({revoked} tokens revoked)",
        }, CancellationToken.None).ConfigureAwait(false);
        return consent;
    }

    /// <summary>The consent <paramref name="authorization"/> is, when it is one that <paramref name="identity"/> gave and that still stands.</summary>
    private async Task<OAuthConsentSummary?> DescribeAsync(object authorization, string identity, CancellationToken cancellationToken)
    {
        if (await authorizations.GetSubjectAsync(authorization, cancellationToken).ConfigureAwait(false) != identity ||
            await authorizations.GetTypeAsync(authorization, cancellationToken).ConfigureAwait(false) != AuthorizationTypes.Permanent ||
            await authorizations.GetStatusAsync(authorization, cancellationToken).ConfigureAwait(false) != Statuses.Valid)
        {
            return null;
        }

        var properties = await authorizations.GetPropertiesAsync(authorization, cancellationToken).ConfigureAwait(false);
        var resource = properties.TryGetValue(RememberedConsent.ResourceProperty, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() ?? "" : "";
        var applicationId = await authorizations.GetApplicationIdAsync(authorization, cancellationToken).ConfigureAwait(false);
        var application = applicationId is null ? null : await applications.FindByIdAsync(applicationId, cancellationToken).ConfigureAwait(false);
        return new OAuthConsentSummary(
            await authorizations.GetIdAsync(authorization, cancellationToken).ConfigureAwait(false) ?? "",
            application is null ? "" : await applications.GetClientIdAsync(application, cancellationToken).ConfigureAwait(false) ?? "",
            application is null ? null : await applications.GetDisplayNameAsync(application, cancellationToken).ConfigureAwait(false),
            ServerOf(resource),
            resource,
            [.. await authorizations.GetScopesAsync(authorization, cancellationToken).ConfigureAwait(false)],
            await authorizations.GetCreationDateAsync(authorization, cancellationToken).ConfigureAwait(false));
    }

    // Every resource is {base}/mcp/{server} (OAuthResources.For); the base may have changed since, the server's name has not.
    private static string? ServerOf(string resource)
    {
        var at = resource.LastIndexOf("/mcp/", StringComparison.Ordinal);
        return at < 0 ? null : Uri.UnescapeDataString(resource[(at + "/mcp/".Length)..]);
    }
}

/// <summary>A person's consent to an MCP client, as they see it.</summary>
/// <param name="Id">Its id, to revoke it by.</param>
/// <param name="ClientId">The client.</param>
/// <param name="ClientName">The client's display name, when it has one.</param>
/// <param name="Server">The server the client may use as the person, or null when the resource names none.</param>
/// <param name="Resource">The endpoint its tokens are good for.</param>
/// <param name="Scopes">The scopes consented to.</param>
/// <param name="GivenAt">When the person consented.</param>
public sealed record OAuthConsentSummary(string Id, string ClientId, string? ClientName, string? Server, string Resource, IReadOnlyList<string> Scopes,
    DateTimeOffset? GivenAt);
