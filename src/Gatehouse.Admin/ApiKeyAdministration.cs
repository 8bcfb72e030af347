using Gatehouse.Audit;
using Gatehouse.Policy;
using Gatehouse.Store.ApiKeys;

namespace Gatehouse.Admin;

/// <summary>
/// Creating and revoking API keys on an operator's behalf, for the admin API and the console alike: the request is
/// checked, the key store changes, and the audit log records who did it.
/// </summary>
public sealed class ApiKeyAdministration(IApiKeyStore keys, IAuditLog audit, TimeProvider time)
{
    /// <summary>Every key, revoked and expired ones included, oldest first; no secrets.</summary>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => keys.ListAsync(cancellationToken);

    /// <summary>
    /// Creates a key for <paramref name="identity"/> and records that <paramref name="by"/> did. A wrong request
    /// creates nothing and says why in <see cref="ApiKeyCreation.Error"/>.
    /// </summary>
    /// <param name="by">Who asks: the operator's identity, as the audit log names them.</param>
    /// <param name="identity">Who the key authenticates as.</param>
    /// <param name="roles">The roles it carries, possibly none.</param>
    /// <param name="expires">How long it lasts, in the duration grammar of <see cref="Durations"/>; null for ever.</param>
    /// <param name="cancellationToken">Cancels the wait; the key, once created, stays created and recorded.</param>
    public async Task<ApiKeyCreation> CreateAsync(string by, string? identity, IEnumerable<string>? roles, string? expires,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        if (string.IsNullOrEmpty(identity))
        {
            return new ApiKeyCreation(null, "\"identity\" is required.");
        }

        TimeSpan? lifetime = null;
        if (expires is not null)
        {
            if (!Durations.TryParse(expires, out var duration, out _))
            {
                return new ApiKeyCreation(null, $"\"expires\" must be a duration such as \"30d\" or \"12h\", not '{expires}'.");
            }

            lifetime = duration;
        }

        CreatedApiKey created;
        try
        {
            created = await keys.CreateAsync(identity, time.GetUtcNow() + lifetime, roles, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            return new ApiKeyCreation(null, e.Message);
        }

        var record = created.Record;
        var roleText = record.Roles.Count == 0 ? "no roles" : $"roles {string.Join(", ", record.Roles)}";
        var expiry = record.ExpiresAt is { } at ? $"expires {at:yyyy-MM-dd HH:mm:ss}Z" : "never expires";
        // CancellationToken.None: a key that exists must be in the log even if the operator stopped waiting.
        await audit.RecordAsync(Event(by, record.Id, AuditDecisions.KeyCreated,
            $"{by} created key {record.Id} for identity '{record.Identity}' ({roleText}; {expiry})"), CancellationToken.None).ConfigureAwait(false);
        return new ApiKeyCreation(created, null);
    }

    /// <summary>Revokes key <paramref name="id"/> and records that <paramref name="by"/> did; revoking it again records nothing.</summary>
    public async Task<ApiKeyRevocation> RevokeAsync(string by, string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        ArgumentNullException.ThrowIfNull(id);
        var owner = (await keys.ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(k => k.Id == id)?.Identity;
        var revocation = await keys.RevokeAsync(id, cancellationToken).ConfigureAwait(false);
        if (revocation == ApiKeyRevocation.Revoked)
        {
            await audit.RecordAsync(Event(by, id, AuditDecisions.KeyRevoked, $"{by} revoked key {id} of identity '{owner}'"), CancellationToken.None).ConfigureAwait(false);
        }

        return revocation;
    }

    private AuditEvent Event(string by, string keyId, string decision, string reason) => new()
    {
        Time = time.GetUtcNow(),
        Kind = AuditKinds.Admin,
        Identity = by,
        Target = keyId,
        Decision = decision,
        Rule = "keys",
        Reason = reason,
    };
}

/// <summary>What <see cref="ApiKeyAdministration.CreateAsync"/> did: the key, or why there is none.</summary>
/// <param name="Key">The key and its secret, shown once; null when the request was wrong.</param>
/// <param name="Error">Why the request was wrong, in words for the operator; null when the key was created.</param>
public sealed record ApiKeyCreation(CreatedApiKey? Key, string? Error);
