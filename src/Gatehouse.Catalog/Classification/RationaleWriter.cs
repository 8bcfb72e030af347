using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// The rationale a person reads: what decided the category, what decided the risk, which of the server's
/// annotations were overruled, then the class: "Sends something out … (verb 'send' in the name); … → execute, high".
/// </summary>
internal static class RationaleWriter
{
    /// <summary>Enough to say why; more would bury the reasons that decided.</summary>
    private const int MaxReasons = 4;

    public static string Write(ToolCategory category, ToolRisk risk, IReadOnlyList<Evidence> evidence, ToolDefinition tool)
    {
        var decider = evidence.First(e => e.Category == category);
        var lead = $"{decider.Meaning} ({decider.Cite()})";
        var cited = new HashSet<string>(StringComparer.Ordinal) { decider.Cite() };
        var meanings = new HashSet<string>(StringComparer.Ordinal) { decider.Meaning };

        if (decider.Source != EvidenceSource.Annotations
            && evidence.FirstOrDefault(e => e.Source == EvidenceSource.Annotations && e.Category == category) is { } agreeing)
        {
            lead += $", and its annotations agree ({agreeing.Signal})";
            cited.Add(agreeing.Cite());
        }

        var reasons = new List<string> { lead };
        foreach (var reason in evidence.Where(e => e.Risk == risk))
        {
            if (reasons.Count == MaxReasons)
            {
                break;
            }

            if (!cited.Contains(reason.Cite()) && meanings.Add(reason.Meaning))
            {
                reasons.Add($"{reason.Meaning} ({reason.Cite()})");
            }
        }

        reasons.AddRange(Overruled(category, decider, tool));
        var text = string.Join("; ", reasons);
        return $"{char.ToUpperInvariant(text[0])}{text[1..]} → {CatalogJson.Lower(category)}, {CatalogJson.Lower(risk)}";
    }

    /// <summary>The annotations that argued for less caution than the class, named so that nobody is surprised.</summary>
    private static IEnumerable<string> Overruled(ToolCategory category, Evidence decider, ToolDefinition tool)
    {
        if (tool.Hint(AnnotationReader.ReadOnlyHint) == true && category != ToolCategory.Read)
        {
            yield return $"its annotations say it only reads ({AnnotationReader.ReadOnlyHint}), but {decider.Cite()} says otherwise, so the more cautious reading is taken";
        }

        if (tool.Hint(AnnotationReader.DestructiveHint) == false && category == ToolCategory.Destructive)
        {
            yield return $"its annotations say it destroys nothing ({AnnotationReader.DestructiveHint}: false), but {decider.Cite()} says otherwise, so the more cautious reading is taken";
        }
    }
}
