using Gatehouse.Policy;

namespace Gatehouse.Catalog.Classification;

/// <summary>
/// What a tool's description says of the tool itself. Only its leading verb and the server's own warnings are
/// read: the rest is prose that mentions other tools and things the tool does not do.
/// </summary>
internal static class DescriptionReader
{
    public static Evidence? LeadingVerb(string? description)
    {
        if (description is null)
        {
            return null;
        }

        var first = Words.Leading(description).FirstOrDefault(word => !Vocabulary.LeadIn.Contains(word));
        if (first is null)
        {
            return null;
        }

        foreach (var stem in Words.Stems(first))
        {
            if (Vocabulary.Verbs.TryGetValue(stem, out var verb))
            {
                return new Evidence(EvidenceSource.Description, $"verb '{stem}' in the description", verb.Meaning, verb.Category, verb.Risk);
            }
        }

        return null;
    }

    /// <summary>The server's own word that a call cannot be taken back ("permanently", "cannot be undone").</summary>
    public static Evidence? Irreversible(string? description)
    {
        if (description is null)
        {
            return null;
        }

        foreach (var phrase in Vocabulary.Irreversible)
        {
            if (ContainsWords(description, phrase))
            {
                return new Evidence(EvidenceSource.Description, $"'{phrase}' in the description",
                    "the server warns that a call cannot be undone", null, ToolRisk.High);
            }
        }

        return null;
    }

    private static bool ContainsWords(string text, string phrase)
    {
        for (var at = text.IndexOf(phrase, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = text.IndexOf(phrase, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + phrase.Length;
            if ((at == 0 || !char.IsLetter(text[at - 1])) && (end == text.Length || !char.IsLetter(text[end])))
            {
                return true;
            }
        }

        return false;
    }
}
