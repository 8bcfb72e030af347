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

    /// <summary>The design token a badge or bar of <paramref name="outcome"/> is drawn in.</summary>
    public static string Colour(CallOutcome outcome) => outcome switch
    {
        CallOutcome.Allowed => "var(--success)",
        CallOutcome.Refused => "var(--error)",
        CallOutcome.Held => "var(--warning)",
        _ => "var(--neutral-fill-strong-rest)",
    };
}
