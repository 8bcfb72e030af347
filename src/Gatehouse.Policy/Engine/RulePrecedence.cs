namespace Gatehouse.Policy.Engine;

/// <summary>
/// The one definition of which of two matching rules decides: the more specific level (exact name, glob,
/// class, default); at the same level the more restrictive action (deny, require_approval, allow); between
/// equals, the one written first. Total and deterministic, so a policy means one thing.
/// </summary>
internal static class RulePrecedence
{
    public static (PolicyRule Winner, PrecedenceCriterion By) Between(PolicyRule a, PolicyRule b)
    {
        if (a.Level != b.Level)
        {
            return (a.Level < b.Level ? a : b, PrecedenceCriterion.Specificity);
        }
        if (a.Action != b.Action)
        {
            return (a.Action > b.Action ? a : b, PrecedenceCriterion.Restrictiveness);
        }
        return (a.Order <= b.Order ? a : b, PrecedenceCriterion.DocumentOrder);
    }

    public static bool Outranks(PolicyRule candidate, PolicyRule? incumbent) =>
        incumbent is null || (candidate != incumbent && Between(candidate, incumbent).Winner == candidate);
}

/// <summary>What settled a comparison between two matching rules; the explainer tells it to operators.</summary>
internal enum PrecedenceCriterion
{
    Specificity,
    Restrictiveness,
    DocumentOrder,
}
