using Gatehouse.Audit;

namespace Gatehouse.OperatorConsole.Components.Audit;

/// <summary>How the audit page groups records for its chart and colours: let through, refused, or held for a person.</summary>
internal enum CallOutcome
{
    /// <summary>Neither: an upstream's answer, a catalog change, a later step of an approval.</summary>
    Other,
    Allowed,
    Refused,
    Held,
}

internal static class CallOutcomes
{
    public static CallOutcome Of(AuditEvent e) => e.Kind switch
    {
        AuditKinds.Decision when e.Decision == AuditDecisions.Allow => CallOutcome.Allowed,
        AuditKinds.Decision or AuditKinds.Authentication => CallOutcome.Refused,
        AuditKinds.Approval when e.Decision == "requested" => CallOutcome.Held,
        _ => CallOutcome.Other,
    };

    /// <summary>The badge of <paramref name="outcome"/>: the console's one badge style, in the tone of its chart bar.</summary>
    public static string BadgeClass(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Allowed => "gh-badge gh-badge-success",
        CallOutcome.Refused => "gh-badge gh-badge-error",
        CallOutcome.Held => "gh-badge gh-badge-warning",
        _ => "gh-badge gh-badge-info",
    };

    /// <summary>The design token a bar of <paramref name="outcome"/> is drawn in.</summary>
    public static string Colour(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Allowed => "var(--success)",
        CallOutcome.Refused => "var(--error)",
        CallOutcome.Held => "var(--warning)",
        _ => "var(--neutral-fill-strong-rest)",
    };
}
