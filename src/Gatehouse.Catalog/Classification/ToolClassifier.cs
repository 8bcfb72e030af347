using Gatehouse.Catalog.Classification;
using Gatehouse.Policy;

namespace Gatehouse.Catalog;

/// <summary>
/// Gives a tool its class from what its definition says: its name, its description, its input schema and its
/// MCP annotations. Every source is the server's own word, so none can make a tool look safer than another
/// says it is: where they disagree, the more cautious reading wins and the rationale says so. The same
/// definition always gets the same class.
/// </summary>
public static class ToolClassifier
{
    private static readonly Evidence _nothingSaid = new(EvidenceSource.Default,
        "no known verb in the name or description, no readOnlyHint or destructiveHint",
        "nothing says what it does, so it is taken to change something", ToolCategory.Write, ToolRisk.Medium);

    public static ToolClassification Classify(ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(tool);

        var nameWords = Words.OfName(tool.Name);
        var schema = SchemaReader.Read(tool, nameWords);

        var evidence = new List<Evidence>();
        evidence.AddRange(NameReader.Verbs(nameWords));
        if (DescriptionReader.LeadingVerb(tool.Description) is { } described)
        {
            evidence.Add(described);
        }

        evidence.AddRange(schema.Arguments
            .Where(argument => argument.Kind == ArgumentKind.FreeFormCode)
            .Select(argument => ArgumentEvidence.For(argument, ToolCategory.Execute, ToolRisk.Critical)));
        evidence.AddRange(AnnotationReader.Claims(tool));
        if (!evidence.Any(e => e.Category is not null))
        {
            evidence.Add(_nothingSaid);
        }

        var nouns = NameReader.Nouns(nameWords);
        if (ScopeReader.Governance(MostCautious(evidence), nouns) is { } governance)
        {
            evidence.Add(governance);
        }

        var category = MostCautious(evidence);
        evidence.AddRange(ScopeReader.Reach(category, nouns, schema, tool));
        var risk = evidence.Max(e => e.Risk);

        return new ToolClassification(category, risk, RationaleWriter.Write(category, risk, evidence, tool));
    }

    private static ToolCategory MostCautious(IEnumerable<Evidence> evidence) =>
        evidence.Where(e => e.Category is not null).Select(e => e.Category!.Value).MaxBy(Caution.Rank);
}
