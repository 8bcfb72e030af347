using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// Which of two readings is the more cautious. Categories are ranked by how far a call's effect can reach:
/// running something can do anything a deletion can and more, a deletion cannot be undone, changing who may
/// do what outlasts the call, a write changes data, a read changes nothing.
/// </summary>
internal static class Caution
{
    public static int Rank(ToolCategory category) => category switch
    {
        ToolCategory.Read => 0,
        ToolCategory.Write => 1,
        ToolCategory.Admin => 2,
        ToolCategory.Destructive => 3,
        ToolCategory.Execute => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    /// <summary>The risk a category carries before anything else is known of the tool.</summary>
    public static ToolRisk BaseRisk(ToolCategory category) => category switch
    {
        ToolCategory.Read => ToolRisk.Low,
        ToolCategory.Write or ToolCategory.Execute => ToolRisk.Medium,
        ToolCategory.Admin or ToolCategory.Destructive => ToolRisk.High,
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, null),
    };

    /// <summary>One step above the category's base risk (no base is critical): what acting on many things at once adds.</summary>
    public static ToolRisk OneStepAbove(ToolCategory category) => BaseRisk(category) + 1;
}
