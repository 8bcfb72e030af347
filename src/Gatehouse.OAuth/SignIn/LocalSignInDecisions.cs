using Gatehouse.Audit;

namespace Gatehouse.OAuth.SignIn;

/// <summary>
/// An admin's answer to a person waiting to sign in on this machine (<see cref="LocalSignIns"/>), recorded in the audit
/// log under the admin: the one way both the admin API and the console answer, so that both leave the same record.
/// </summary>
public sealed class LocalSignInDecisions(LocalSignIns requests, IAuditLog audit, TimeProvider time)
{
    /// <summary>The requests waiting for an admin, oldest first.</summary>
    public IReadOnlyList<LocalSignInRequest> Pending() => requests.Pending();

    /// <summary>
    /// Approves or denies, as <paramref name="by"/> (an admin), the request waiting with <paramref name="code"/>: that
    /// request, or null when none waits (it lapsed, or was answered), and then nothing is recorded.
    /// </summary>
    public async Task<LocalSignInRequest?> DecideAsync(string by, string code, bool approve)
    {
        ArgumentException.ThrowIfNullOrEmpty(by);
        ArgumentNullException.ThrowIfNull(code);
        if (requests.Decide(code, approve) is not { } request)
        {
            return null;
        }

        // CancellationToken.None: who let whom in must be in the log even if the admin stopped waiting.
        await audit.RecordAsync(new AuditEvent
        {
            Time = time.GetUtcNow(),
            Kind = AuditKinds.Admin,
            Identity = by,
            Target = request.Identity,
            Decision = approve ? AuditDecisions.SignInApproved : AuditDecisions.SignInDenied,
            Rule = "oauth",
            Reason = $"{by} {(approve ? "approved" : "denied")} the sign-in of '{request.Identity}' (code {request.Code}) to connect " +
                $"{request.ClientName ?? request.ClientId} to {request.Server}",
        }, CancellationToken.None).ConfigureAwait(false);
        return request;
    }
}
