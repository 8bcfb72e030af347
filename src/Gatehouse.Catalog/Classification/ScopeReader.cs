using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// Once it is known what a call does, what makes it reach further: an audience for a send, many records for a
/// change, a whole store for a deletion, secrets for a read. The same noun means different things for
/// different categories ("all" in a read harms nobody), so these are read after the category.
/// </summary>
internal static class ScopeReader
{
    private const string GovernanceMeaning = "it changes who may do what, or how the server itself is set up";

    /// <summary>Nouns of users, roles, keys and settings turn a write into administration.</summary>
    public static Evidence? Governance(ToolCategory category, IReadOnlyList<string> nouns)
    {
        if (category == ToolCategory.Read || nouns.FirstOrDefault(Vocabulary.Governance.Contains) is not { } noun)
        {
            return null;
        }

        return new Evidence(EvidenceSource.Name, $"noun '{noun}' in the name", GovernanceMeaning,
            category == ToolCategory.Write ? ToolCategory.Admin : null, ToolRisk.High);
    }

    public static IEnumerable<Evidence> Reach(
        ToolCategory category, IReadOnlyList<string> nouns, SchemaReading schema, ToolDefinition tool)
    {
        var changes = category != ToolCategory.Read;
        var manyAtOnce = Caution.OneStepAbove(category);

        if (category == ToolCategory.Read && nouns.FirstOrDefault(Vocabulary.Secrets.Contains) is { } secret)
        {
            yield return Noun(secret, "it can hand the agent secrets, such as the credentials a server keeps in its environment", ToolRisk.High);
        }

        if (category == ToolCategory.Execute)
        {
            if (nouns.FirstOrDefault(Vocabulary.Audiences.ContainsKey) is { } audience)
            {
                yield return Noun(audience, Vocabulary.Audiences[audience], ToolRisk.High);
            }

            foreach (var recipients in schema.Arguments.Where(a => a.Kind == ArgumentKind.Recipients))
            {
                yield return ArgumentEvidence.For(recipients, null, ToolRisk.High);
            }
        }
        else if (changes && nouns.FirstOrDefault(Vocabulary.Bulk.Contains) is { } bulk)
        {
            yield return Noun(bulk, "one call acts on many records at once", manyAtOnce);
        }

        if (category == ToolCategory.Destructive && nouns.FirstOrDefault(Vocabulary.Stores.Contains) is { } store)
        {
            yield return Noun(store, "it removes a whole store and everything in it", ToolRisk.Critical);
        }

        foreach (var argument in schema.Arguments)
        {
            var risk = argument.Kind switch
            {
                ArgumentKind.IdList or ArgumentKind.EverythingFlag when changes => manyAtOnce,
                ArgumentKind.Money when changes => ToolRisk.High,
                // The server fetches it from where it runs, inside the operator's network.
                ArgumentKind.Address => ToolRisk.Medium,
                _ => (ToolRisk?)null,
            };
            if (risk is { } raised)
            {
                yield return ArgumentEvidence.For(argument, null, raised);
            }
        }

        if (!schema.Complete)
        {
            yield return new Evidence(EvidenceSource.Schema, "an input schema too deep or too large to read in full",
                "arguments nobody has read could do anything", null, ToolRisk.High);
        }

        // A read that reaches beyond the server carries what the agent put in it there: a search query can leak.
        if (AnnotationReader.OpenWorld(tool) is { } openWorld)
        {
            yield return openWorld;
        }

        if (changes && DescriptionReader.Irreversible(tool.Description) is { } irreversible)
        {
            yield return irreversible;
        }
    }

    private static Evidence Noun(string noun, string meaning, ToolRisk risk) =>
        new(EvidenceSource.Name, $"noun '{noun}' in the name", meaning, null, risk);
}
