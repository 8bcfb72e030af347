namespace Gatehouse.Audit;

/// <summary>
/// One thing Gatehouse decided or saw, as it is submitted to the audit log. Arguments are redacted before they
/// get here: the log never holds what the policy or the built-in rules call a secret.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>When it happened; stored to the millisecond.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>What kind of record this is: one of <see cref="AuditKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The caller's identity, or null when unauthenticated.</summary>
    public string? Identity { get; init; }

    /// <summary>The grant whose policy decided, or null when none applied.</summary>
    public string? Grant { get; init; }

    /// <summary>The upstream server's name in the configuration.</summary>
    public string? Server { get; init; }

    /// <summary>The client session.</summary>
    public string? Session { get; init; }

    /// <summary>The JSON-RPC id of the request, as the client sent it.</summary>
    public string? RequestId { get; init; }

    /// <summary>The JSON-RPC method, e.g. <c>tools/call</c>; for an authentication record, the HTTP method and path.</summary>
    public string? Method { get; init; }

    /// <summary>The tool, resource uri or prompt the request names.</summary>
    public string? Target { get; init; }

    /// <summary>The request's arguments as JSON text, redacted.</summary>
    public string? Arguments { get; init; }

    /// <summary>What was decided: one of <see cref="AuditDecisions"/>.</summary>
    public string? Decision { get; init; }

    /// <summary>The policy rule that decided, e.g. <c>tools.send_campaign</c>.</summary>
    public string? Rule { get; init; }

    /// <summary>Why, in the words the caller saw.</summary>
    public string? Reason { get; init; }

    /// <summary>For <see cref="AuditKinds.Outcome"/> records, what the upstream answered: one of <see cref="AuditOutcomes"/>.</summary>
    public string? Outcome { get; init; }

    /// <summary>For <see cref="AuditKinds.Outcome"/> records, how long the upstream took, in microseconds.</summary>
    public long? LatencyMicroseconds { get; init; }
}

/// <summary>The kinds of audit record.</summary>
public static class AuditKinds
{
    /// <summary>A request decided by policy, recorded before it runs or is refused.</summary>
    public const string Decision = "decision";

    /// <summary>What the upstream answered a request that was let through.</summary>
    public const string Outcome = "outcome";

    /// <summary>A request refused before it had an identity: a missing, malformed or wrong credential.</summary>
    public const string Authentication = "authentication";

    /// <summary>A step of a call held for approval: requested, approved, denied, expired or cancelled (the <see cref="AuditEvent.Decision"/>).</summary>
    public const string Approval = "approval";

    /// <summary>
    /// A change to what the tool catalog lets through: a tool's first definition pinned, a changed or flagged one
    /// withheld, a new one accepted by an operator (the <see cref="AuditEvent.Decision"/>).
    /// </summary>
    public const string Catalog = "catalog";

    /// <summary>
    /// A change an operator made through the admin API or the console, such as an API key created or revoked (the
    /// <see cref="AuditEvent.Decision"/>); the <see cref="AuditEvent.Identity"/> is the operator's.
    /// </summary>
    public const string Admin = "admin";
}

/// <summary>The decisions a record can carry.</summary>
public static class AuditDecisions
{
    public const string Allow = "allow";
    public const string Deny = "deny";
    public const string RateLimited = "rate_limited";
    public const string InvalidArguments = "invalid_arguments";

    /// <summary>Refused because the caller's OAuth token lacks a scope its grant or the policy rule requires (HTTP 403, step-up).</summary>
    public const string InsufficientScope = "insufficient_scope";

    /// <summary>Held for approval, and a person denied it.</summary>
    public const string ApprovalDenied = "approval_denied";

    /// <summary>Held for approval, and nobody decided in time.</summary>
    public const string ApprovalExpired = "approval_expired";

    /// <summary>Refused because something the decision depends on (counters, the audit store) could not be reached.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>Kept from lists and calls: the tool's definition changed since it was pinned, or the poisoning scan flagged it.</summary>
    public const string Withheld = "withheld";

    /// <summary>A tool's first definition seen, pinned.</summary>
    public const string Pinned = "pinned";

    /// <summary>A tool's definition, reviewed and accepted by an operator.</summary>
    public const string Accepted = "accepted";

    /// <summary>An API key created by an operator.</summary>
    public const string KeyCreated = "key_created";

    /// <summary>An API key revoked by an operator.</summary>
    public const string KeyRevoked = "key_revoked";

    /// <summary>An OAuth client removed, or its tokens revoked, by an operator.</summary>
    public const string OAuthClientRevoked = "oauth_client_revoked";

    /// <summary>A person's OAuth tokens revoked by an operator.</summary>
    public const string OAuthTokensRevoked = "oauth_tokens_revoked";

    /// <summary>A person's consent to an OAuth client, and the tokens issued under it, revoked by that person.</summary>
    public const string OAuthConsentRevoked = "oauth_consent_revoked";

    /// <summary>A person's account at an upstream server that requires OAuth, disconnected: Gatehouse's tokens there deleted.</summary>
    public const string UpstreamDisconnected = "upstream_disconnected";

    /// <summary>A person's sign-in on this machine (OAuth local sign-in), approved by an admin.</summary>
    public const string SignInApproved = "sign_in_approved";

    /// <summary>A person's sign-in on this machine (OAuth local sign-in), denied by an admin.</summary>
    public const string SignInDenied = "sign_in_denied";

    /// <summary>Refused at authentication.</summary>
    public const string Unauthenticated = "unauthenticated";
}

/// <summary>What an upstream answered.</summary>
public static class AuditOutcomes
{
    public const string Ok = "ok";

    /// <summary>A tool result with <c>isError: true</c>: the tool ran and reported a failure.</summary>
    public const string IsError = "is_error";

    /// <summary>A JSON-RPC error, from the upstream or from Gatehouse on its behalf (the upstream crashed).</summary>
    public const string Error = "error";

    /// <summary>No answer within the call timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>The client cancelled the request, or went away, before the answer.</summary>
    public const string Cancelled = "cancelled";
}
